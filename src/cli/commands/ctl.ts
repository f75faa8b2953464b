// `hapair ctl` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair ctl [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'ctl' is not implemented yet");
}
