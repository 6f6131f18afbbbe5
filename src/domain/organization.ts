/** An Atlas organization: the tenant that owns projects and programmatic API keys. */
export interface Organization {
  id: string;
  name: string;
  createdAt: number;
}

export const NAME_PATTERN = /^[\p{L}\p{N}\-_.(),:&@+']{1,64}$/u;
