// `hapair check` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair check [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'check' is not implemented yet");
}
