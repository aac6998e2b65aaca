// The specs under test/cli, as one jest suite (test/support/specs.ts says why).
import { loadSpecs } from './support/specs';

loadSpecs('cli');
