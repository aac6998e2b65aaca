// Entry point of `npm run synth` and `cdk8s synth`: writes dist/ (or the folder cdk8s asks for).
import { synthToDisk } from './lib/synth';

process.exitCode = synthToDisk(process.env.CDK8S_OUTDIR ?? 'dist');
