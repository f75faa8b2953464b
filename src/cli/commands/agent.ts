// `hapair agent` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair agent [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'agent' is not implemented yet");
}
