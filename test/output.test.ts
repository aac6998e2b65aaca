// The specs under test/output, as one jest suite (test/support/specs.ts says why).
import { loadSpecs } from './support/specs';

loadSpecs('output');
