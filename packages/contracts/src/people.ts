/** Users, roles and the permissions each role holds; shared so the console shows only what a role allows. */
import { z } from 'zod';
import { localeSchema } from './common.js';

export const roles = [
  'administrator',
  'supervisor',
  'operator',
  'agency_officer',
  'viewer',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * Every route declares one of these. Names read "resource:action".
 * Modules add theirs here so that the role table stays in one place.
 */
export const permissions = [
  'admin-units:read',
  'admin-units:write',
  'agencies:read',
  'agencies:write',
  'assets:read',
  'assets:write',
  'assets:import',
  'devices:read',
  'devices:write',
  'events:read',
  'stream:read',
  'users:read',
  'users:write',
  'apikeys:manage',
  'audit:read',
  'system:read',
  'alert-rules:read',
  'alert-rules:write',
  'alerts:read',
  'alerts:act',
  'notifications:manage',
  'reports:read',
  'reports:act',
  'reports:configure',
  'cameras:read',
  'cameras:snapshot',
  'cameras:live',
  'cameras:manage',
  'cameras:grant',
] as const;
export type Permission = (typeof permissions)[number];

const read: Permission[] = [
  'admin-units:read',
  'agencies:read',
  'assets:read',
  'events:read',
  'stream:read',
  'alert-rules:read',
  'alerts:read',
  'reports:read',
  'cameras:read',
];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  administrator: permissions,
  supervisor: [
    ...read,
    'assets:write',
    'assets:import',
    'devices:read',
    'devices:write',
    'users:read',
    'system:read',
    'alert-rules:write',
    'alerts:act',
    'reports:act',
    'cameras:snapshot',
    'cameras:live',
    'cameras:manage',
    'cameras:grant',
  ],
  operator: [
    ...read,
    'assets:write',
    'devices:read',
    'alerts:act',
    'reports:act',
    'cameras:snapshot',
    'cameras:live',
    'cameras:manage',
  ],
  agency_officer: [...read, 'reports:act', 'cameras:snapshot', 'cameras:live'],
  viewer: [...read, 'cameras:snapshot'],
};

export function roleCan(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

/** API key scopes and what each lets an integration do. */
export const apiKeyScopes = ['read', 'integration', 'ingest', 'open311'] as const;
export const apiKeyScopeSchema = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;
export const apiKeyScopePermissions: Record<ApiKeyScope, readonly Permission[]> = {
  read: read,
  integration: [
    ...read,
    'assets:write',
    'assets:import',
    'devices:read',
    'devices:write',
    'cameras:snapshot',
    'cameras:manage',
  ],
  ingest: [],
  open311: [],
};

export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters');

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  units: z.array(z.string()),
  agencies: z.array(z.string()),
  locale: localeSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;

export const userCreateSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    name: z.string().trim().min(1).max(200),
    role: roleSchema,
    units: z.array(z.string().min(1).max(64)).max(500).default([]),
    agencies: z.array(z.string().min(1).max(64)).max(100).default([]),
    locale: localeSchema.default('vi'),
  })
  .strict();
export type UserCreate = z.infer<typeof userCreateSchema>;

export const userPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    password: passwordSchema,
    role: roleSchema,
    units: z.array(z.string().min(1).max(64)).max(500),
    agencies: z.array(z.string().min(1).max(64)).max(100),
    locale: localeSchema,
    disabled: z.boolean(),
  })
  .partial()
  .strict();
export type UserPatch = z.infer<typeof userPatchSchema>;

export const loginSchema = z
  .object({ email: z.string().max(254), password: z.string().max(200) })
  .strict();

export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: userSchema,
  permissions: z.array(z.string()),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const apiKeyCreateSchema = z
  .object({ name: z.string().trim().min(1).max(200), scope: apiKeyScopeSchema })
  .strict();
export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: apiKeyScopeSchema,
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;
