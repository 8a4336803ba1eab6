/**
 * Scopes of client roles, after Appwrite's `app/config/roles.php`: a guest or a signed-in user
 * may call only endpoints whose scope their role holds; API keys hold the scopes they were created
 * with. A missing scope answers 401 `general_unauthorized_scope`.
 * @module
 */
const GUEST_SCOPES = [
  'global', 'public', 'home', 'console', 'graphql', 'sessions.write', 'account', 'teams.read',
  'files.read', 'locale.read', 'avatars.read', 'execution.write', 'rows.read', 'rows.write',
  'documents.read', 'documents.write',
];
const USER_SCOPES = [
  ...GUEST_SCOPES, 'teams.write', 'files.write', 'execution.read', 'targets.read', 'targets.write',
  'subscribers.write', 'subscribers.read', 'assistant.read',
];

export const ROLE_SCOPES = {
  guests: new Set(GUEST_SCOPES),
  users: new Set(USER_SCOPES),
} as const;

/** Every scope an API key may be created with (the subset the emulator serves). */
export const ALL_KEY_SCOPES = [
  'users.read', 'users.write', 'sessions.write', 'databases.read', 'databases.write',
  'tables.read', 'tables.write', 'columns.read', 'columns.write', 'indexes.read', 'indexes.write',
  'rows.read', 'rows.write', 'collections.read', 'collections.write', 'attributes.read',
  'attributes.write', 'documents.read', 'documents.write', 'functions.read', 'functions.write',
  'execution.read', 'execution.write', 'health.read', 'targets.read', 'targets.write',
] as const;
