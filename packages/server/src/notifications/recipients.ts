/**
 * Who holds a role where an alert happened, read through the people module's
 * services: enabled users of the role whose scope (units with the units under
 * them, agencies) covers the alert's place. Province-wide users always do.
 */
import type { Role, User } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import { scopeIncludes, type Scope } from '../core/auth/principal.js';
import { withDescendants } from '../geo/unit-tree.js';
import type { RoleDirectory } from './email.channel.js';

export interface PeopleDirectoryDeps {
  listUsers(opts: { role: Role; after?: string | undefined; limit: number }): Promise<User[]>;
  scopeOf(userId: string): Promise<Scope>;
}

const PAGE = 500;

export function peopleDirectory(db: Db, people: PeopleDirectoryDeps): RoleDirectory {
  return {
    async addressesOf(role, place) {
      const out: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await people.listUsers({ role, after, limit: PAGE });
        for (const u of page) {
          if (u.disabled) continue;
          const scope = await people.scopeOf(u.id);
          if (scopeIncludes(scope, place.adminUnit, place.agencyCode)) out.push(u.email);
        }
        if (page.length < PAGE) return out;
        after = page[page.length - 1]!.id;
      }
    },
    unitsUnder: (code) => withDescendants(db, [code]),
  };
}
