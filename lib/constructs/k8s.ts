/**
 * The Kubernetes 1.28 kinds, as cdk8s-plus-28 generates them. Imported from the module that
 * holds them rather than from the package index, so that synth does not load (and pay for)
 * the high-level cdk8s-plus constructs this project does not use.
 */
export * from 'cdk8s-plus-28/lib/imports/k8s';
