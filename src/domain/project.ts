/**
 * An Atlas project ("group"). Names are unique within an organization. `regionalModeEnabled` is the
 * project's regionalized private endpoint setting (Atlas default: false).
 */
export interface Project {
  id: string;
  orgId: string;
  name: string;
  createdAt: number;
  tags: { key: string; value: string }[];
  withDefaultAlertsSettings: boolean;
  regionalModeEnabled: boolean;
}
