// The accounts (views/admin/users.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { listAccounts } from '../../auth/users.js';

export function usersPage({ db }: Services) {
  async function get(_req: Request, res: Response) {
    res.render('admin/users', { title: 'Users', users: await listAccounts(db) });
  }

  return { get };
}
