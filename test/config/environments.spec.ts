import { loadEnvironments } from '../../lib/config/load';

const envs = Object.fromEntries(loadEnvironments().map((e) => [e.name, e]));

describe('environments (docs/decisions.md, \'Environment configuration\')', () => {
  test('namespaces', () => {
    expect(Object.values(envs).map((e) => [e.name, e.namespace])).toEqual([
      ['development', 'exam-system-dev'],
      ['staging', 'exam-system-staging'],
      ['hotfix', 'exam-system-hotfix'],
      ['production', 'exam-system'],
    ]);
  });

  test('staging holds exactly the specified ConfigMap data', () => {
    expect(envs.staging.config).toEqual({
      DATABASE_HOST: 'postgres-staging.cluster.local',
      DATABASE_NAME: 'exam_system_staging',
      DATABASE_POOL_SIZE: '20',
      REDIS_HOST: 'redis-staging.cluster.local',
      REDIS_DB: '0',
      LOG_LEVEL: 'DEBUG',
      ENABLE_DEBUG_LOGGING: 'true',
      API_RATE_LIMIT: '1000',
      PROCTORING_STRICTNESS: 'medium',
      ENABLE_MOCK_PROCTORING: 'true',
      AWS_REGION: 'us-west-2',
      S3_BUCKET: 'exam-system-staging',
    });
  });

  test('production holds exactly the specified ConfigMap data', () => {
    expect(envs.production.config).toEqual({
      DATABASE_HOST: 'postgres-prod.cluster.local',
      DATABASE_NAME: 'exam_system',
      DATABASE_POOL_SIZE: '50',
      REDIS_HOST: 'redis-prod.cluster.local',
      REDIS_DB: '0',
      LOG_LEVEL: 'INFO',
      ENABLE_DEBUG_LOGGING: 'false',
      API_RATE_LIMIT: '10000',
      PROCTORING_STRICTNESS: 'high',
      ENABLE_MOCK_PROCTORING: 'false',
      AWS_REGION: 'us-east-1',
      S3_BUCKET: 'exam-system-production',
    });
  });

  test("hotfix has production's settings but its own database, bucket and Redis DB", () => {
    const prod = envs.production.config;
    const hotfix = envs.hotfix.config;
    expect(Object.keys(hotfix).sort()).toEqual(Object.keys(prod).sort());
    const differing = Object.keys(prod).filter((k) => prod[k] !== hotfix[k]).sort();
    expect(differing).toEqual(['DATABASE_NAME', 'REDIS_DB', 'S3_BUCKET']);
  });

  test('development runs locally with debug settings and one replica', () => {
    expect(envs.development.config.LOG_LEVEL).toBe('DEBUG');
    expect(envs.development.config.ENABLE_MOCK_PROCTORING).toBe('true');
    expect(envs.development.services.every((s) => s.replicas === 1)).toBe(true);
    expect(envs.development.gitops).toBeUndefined();
  });

  test('strategies: production canary for exam-service, blue/green for auth-service and frontend, the same in staging and hotfix', () => {
    const strategies = (env: string) => Object.fromEntries(envs[env].services.map((s) => [s.name, s.strategy]));
    expect(strategies('production')).toEqual({
      'auth-service': 'blueGreen',
      'exam-service': 'canary',
      'question-service': 'rolling',
      'proctoring-service': 'rolling',
      'analytics-service': 'rolling',
      'notification-service': 'rolling',
      frontend: 'blueGreen',
    });
    // Staging and hotfix release the way production does, with fewer replicas (docs/decisions.md, The release loop).
    expect(strategies('staging')).toEqual(strategies('production'));
    expect(strategies('hotfix')).toEqual(strategies('production'));
    for (const env of ['staging', 'hotfix']) {
      for (const s of envs[env].services) expect(s.replicas).toBeLessThanOrEqual(envs.production.services.find((p) => p.name === s.name)!.replicas);
    }
  });
});
