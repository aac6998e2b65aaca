import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentsCopy } from '../helpers';
import { cli } from './run-cli';

describe('validate [env]', () => {
  test('all repository environment files are valid', () => {
    const r = cli('validate');
    expect(r.code).toBe(0);
    for (const env of ['development', 'staging', 'hotfix', 'production']) expect(r.out).toContain(`${env}.yaml: valid`);
    expect(r.out).toContain('calendar.yaml: valid (3 exam sessions, checked from 2026-09-01 to 2027-08-31)');
    expect(r.err).toBe('');
  });

  test('a bad exam calendar fails the check with its file and line', () => {
    const dir = environmentsCopy({ 'calendar.yaml': (t) => t.replace('duration: 4h', 'duration: 10m') });
    const r = cli('validate', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/calendar\.yaml:\d+: sessions\.0\.duration: 10m is shorter than 15 minutes/);
  });

  test('one environment', () => {
    const dir = environmentsCopy();
    const r = cli('validate', 'hotfix', '--environments-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hotfix\.yaml: valid \(namespace exam-system-hotfix, 7 services, Argo CD tracks main\)/);
    expect(r.out).not.toContain('staging');
  });

  test('an invalid file fails the check (exit 1) naming file, field and expectation', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('frontend: { tag: v1.13.0-rc.1@sha256:d10e9146e141a3ed9d4335df8b916ed5485ff30cdf248155e8a879fe4db0d13e, replicas: 2, strategy: blueGreen }', 'frontend: { tag: latest, replicas: 2 }') });
    const r = cli('validate', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/staging\.yaml:\d+: services\.frontend\.tag: expected a pinned image tag, not "latest"/);
  });

  test('checking one environment reports only its own problems', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('replicas: 2, strategy: blueGreen }', 'replicas: -1, strategy: blueGreen }') });
    expect(cli('validate', 'staging', '--environments-dir', dir).code).toBe(1);
    const other = cli('validate', 'production', '--environments-dir', dir);
    expect(other.code).toBe(0);
    expect(other.out).toContain('production.yaml: valid (other environment files have problems');
  });

  test('a rule across environments: a shared database is reported for both environments involved', () => {
    const dir = environmentsCopy({ 'staging.yaml': (t) => t.replace('DATABASE_HOST: postgres-staging.cluster.local', 'DATABASE_HOST: postgres-prod.cluster.local').replace('DATABASE_NAME: exam_system_staging', 'DATABASE_NAME: exam_system') });
    const r = cli('validate', 'staging', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/DATABASE_HOST=postgres-prod\.cluster\.local,DATABASE_NAME=exam_system is also used by/);
    expect(cli('validate', 'production', '--environments-dir', dir).code).toBe(1);
    expect(cli('validate', 'hotfix', '--environments-dir', dir).code).toBe(0);
  });

  test('a missing file fails the check', () => {
    const dir = environmentsCopy();
    fs.rmSync(path.join(dir, 'hotfix.yaml'));
    const r = cli('validate', 'hotfix', '--environments-dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/hotfix\.yaml: missing/);
  });

  test('a folder that does not exist is a usage error', () => {
    const r = cli('validate', '--environments-dir', path.join(environmentsCopy(), 'nope'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope: not a folder/);
  });

  test('an unknown environment is a usage error listing the choices', () => {
    const r = cli('validate', 'qa');
    expect(r.code).toBe(2);
    expect(r.err).toContain("argument 'env'. Allowed choices are development, staging, hotfix, production");
  });
});
