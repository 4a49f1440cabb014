import path from 'node:path';
import type { Express } from 'express';
import { formatDate } from '../common/dates.js';
import { ROLE_LABELS, can } from '../auth/roles.js';
import { codeLabel, codeOptions } from '../codes/code-lists.js';

export function setUpViews(app: Express, root: string) {
  app.set('view engine', 'ejs');
  app.set('views', path.join(root, 'views'));
  // Helpers every template may use; display only.
  Object.assign(app.locals, {
    serviceName: 'FGC data',
    formatDate,
    roleLabels: ROLE_LABELS,
    can,
    codeLabel,
    codeOptions,
  });
}
