import type { CloudProvider } from '../../domain/cloud-provider.ts';

/**
 * Real Atlas medians in seconds (create to AVAILABLE from recorded runs: AWS 168 s, Azure 59 s,
 * GCP 275 s; GCP's first service attachment appears about 22 s before AVAILABLE). Endpoint and
 * deletion times are the tens of seconds clients observe. The simulation multiplies them by the
 * time scale.
 */
export const SERVICE_READY_S: Record<CloudProvider, number> = { AWS: 168, AZURE: 59, GCP: 275 };
export const GCP_ATTACHMENT_WINDOW_S = 22;
export const SERVICE_DELETE_S: Record<CloudProvider, number> = { AWS: 60, AZURE: 30, GCP: 90 };
/** Seconds spent in each status of an endpoint's path before the next one. */
export const ENDPOINT_STEP_S: Record<CloudProvider, readonly number[]> = {
  AWS: [10, 20],
  AZURE: [30],
  GCP: [20, 20],
};
export const ENDPOINT_DELETE_S = 20;
/** How often a STUCK resource looks again whether its fault rule is still there. */
export const STUCK_RECHECK_MS = 1000;
