import pino from 'pino';

// Field names that may carry a child's or user's personal data. Logs never carry them.
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.first_name',
  '*.last_name',
  '*.firstName',
  '*.lastName',
  '*.date_of_birth',
  '*.dateOfBirth',
  '*.expected_date_of_birth',
  '*.name',
];

export function createLogger(level: string = 'info') {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } });
}

export type Logger = ReturnType<typeof createLogger>;
