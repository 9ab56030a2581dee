// The real, pinned opencode (package.json devDependencies) against `portai serve` and the loopback fake upstream.
import { opencode } from './clients.js';
import { agentSuite } from './scenarios.js';

agentSuite(opencode, { plainModel: 'free', retriesCutStream: false });
