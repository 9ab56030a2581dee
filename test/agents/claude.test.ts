// The real, pinned claude (package.json devDependencies) against `portai serve` and the loopback fake upstream.
import { claude } from './clients.js';
import { agentSuite } from './scenarios.js';

agentSuite(claude, { plainModel: 'think', retriesCutStream: true });
