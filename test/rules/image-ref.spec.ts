import { formatImageRef, imageRefProblem, imageVersionProblem, parseImageRef, parseImageVersion, tagProblem } from '../../lib/rules/image-ref';

const HEX = 'a'.repeat(64);
const DIGEST = `sha256:${HEX}`;

describe('parseImageRef', () => {
  test.each([
    ['ghcr.io/org/app:v1', { repository: 'ghcr.io/org/app', tag: 'v1' }],
    ['ghcr.io/org/app', { repository: 'ghcr.io/org/app' }],
    [`ghcr.io/org/app@${DIGEST}`, { repository: 'ghcr.io/org/app', digest: DIGEST }],
    [`ghcr.io/org/app:v1@${DIGEST}`, { repository: 'ghcr.io/org/app', tag: 'v1', digest: DIGEST }],
    ['registry:5000/app', { repository: 'registry:5000/app' }],
    ['registry:5000/app:2024_06_01', { repository: 'registry:5000/app', tag: '2024_06_01' }],
    ['docker.io/falcosecurity/falco:0.44.1-debian', { repository: 'docker.io/falcosecurity/falco', tag: '0.44.1-debian' }],
  ])('%s', (ref, parsed) => {
    expect(parseImageRef(ref)).toEqual(parsed);
    expect(formatImageRef(parsed)).toBe(ref);
  });
});

describe('parseImageVersion (environment files)', () => {
  test.each([
    ['v1.12.0', { tag: 'v1.12.0' }],
    [`v1.12.0@${DIGEST}`, { tag: 'v1.12.0', digest: DIGEST }],
  ])('%s', (version, parsed) => {
    expect(parseImageVersion(version)).toEqual(parsed);
    expect(formatImageRef(parsed)).toBe(version);
    expect(imageVersionProblem(version)).toBeUndefined();
  });

  test('a version with a repository formats as the full reference the pod runs', () => {
    expect(formatImageRef({ repository: 'ghcr.io/o/a', ...parseImageVersion(`v1@${DIGEST}`) })).toBe(`ghcr.io/o/a:v1@${DIGEST}`);
  });

  test.each([
    ['', /non-empty image tag/],
    ['latest', /not "latest"/],
    ['LATEST', /not "latest"/],
    ['-x', /Docker image tag/],
    ['a'.repeat(129), /Docker image tag/],
    [`@${DIGEST}`, /non-empty image tag/],
    ['v1@sha256:abc', /64 lowercase hex/],
    [`v1@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    [`v1@sha512:${HEX}`, /sha256:/],
  ])('refuses "%s"', (version, why) => expect(imageVersionProblem(version)).toMatch(why));
});

describe('imageRefProblem (full references)', () => {
  test.each(['ghcr.io/org/app:v1', `ghcr.io/org/app@${DIGEST}`, `ghcr.io/org/app:v1@${DIGEST}`, 'localhost:5000/a/b:1', 'flagsmith/flagsmith:2.238.0'])('accepts %s', (ref) =>
    expect(imageRefProblem(ref)).toBeUndefined(),
  );
  test.each([
    ['ghcr.io/org/app', {}, /pinned image/],
    ['ghcr.io/org/app:latest', {}, /not "latest"/],
    [`ghcr.io/org/app@${DIGEST}`, { requireTag: true }, /pinned image/],
    ['ghcr.io/Org/app:v1', {}, /lower-case repository/],
    [':v1', {}, /lower-case repository/],
    ['ghcr.io/org/app@sha256:123', {}, /64 lowercase hex/],
  ])('refuses %s %j', (ref, rules, why) => expect(imageRefProblem(ref, rules)).toMatch(why));

  test('tagProblem is the tag rule alone', () => {
    expect(tagProblem('3f9c2ab')).toBeUndefined();
    expect(tagProblem('a b')).toMatch(/Docker image tag/);
  });
});
