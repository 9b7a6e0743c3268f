// zValidator with our error shape: 400 {"error": "...", "issues": [...]} naming each bad field.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';

export const validate = <T extends ZodType, K extends keyof ValidationTargets>(target: K, schema: T) =>
  zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issues = result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      return c.json(
        {
          error: `invalid ${String(target)}: ${issues.map((i) => `${i.field || '(query)'} ${i.message}`).join('; ')}`,
          issues,
        },
        400,
      );
    }
  });
