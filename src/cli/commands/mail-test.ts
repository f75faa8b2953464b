// `hapair mail-test` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair mail-test [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'mail-test' is not implemented yet");
}
