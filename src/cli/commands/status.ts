// `hapair status` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair status [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'status' is not implemented yet");
}
