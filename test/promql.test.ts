// The specs under test/promql, as one jest suite (test/support/specs.ts says why).
import { loadSpecs } from './support/specs';

loadSpecs('promql');
