// User functions of the approval app: the approval request hands the task token to a "human" through a file.
import { writeFileSync } from 'fs';
import { join } from 'path';
import type { UnumContext } from '../../../../src/handler';

interface Request { readonly dir: string; readonly token: string; readonly order: string }

/**
 * Asks for approval: writes the token from its parameters ($$.Task.Token) to `<dir>/token-<attempt>` (outside
 * /tmp, which each sandbox has to itself), with the one from the context beside it. Its return value is ignored.
 */
export const askApproval = async (input: Request, context: UnumContext) => {
  writeFileSync(join(input.dir, `token-${context.attempt}`), input.token);
  writeFileSync(join(input.dir, `context-token-${context.attempt}`), context.taskToken ?? '');
  return { ignored: true };
};

export const identity = async (input: unknown) => input;
