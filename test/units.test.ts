// The specs under test/analysis, charts, config, constructs, dashboards, io, rules, scripts and workflows, as one jest suite (test/support/specs.ts says why).
import { loadSpecs } from './support/specs';

loadSpecs('units');
