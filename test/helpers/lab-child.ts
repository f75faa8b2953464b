// Child process for lab cleanup tests: builds a lab, prints its namespaces as JSON, then waits to be signalled.
import { Lab } from '../../src/lab/index.js';

const lab = await Lab.create();
await lab.addNode({ name: 'n1', ip: '198.18.0.11' });
// A long-running child inside the lab, to prove teardown also stops what runs in the namespaces.
lab.spawn('n1', ['sleep', '60'], { stdio: 'ignore' });
process.stdout.write(JSON.stringify({ namespaces: lab.namespaces() }) + '\n');
setTimeout(() => process.exit(3), 30_000); // bounded: never outlive the test
