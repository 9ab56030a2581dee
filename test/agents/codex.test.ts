// The real, pinned codex (package.json devDependencies) against `portai serve` and the loopback fake upstream.
import { codex } from './clients.js';
import { agentSuite } from './scenarios.js';

agentSuite(codex, { plainModel: 'free', retriesCutStream: true });
