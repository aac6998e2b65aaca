import { Testing } from 'cdk8s';
import { ScaledObject, ScaledObjectProps } from '../../lib/constructs/scaled-object';

const base: ScaledObjectProps = {
  name: 'exam-service',
  namespace: 'exam-system',
  target: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'exam-service-rollout' },
  minReplicas: 10,
  maxReplicas: 20,
  targetCPUUtilizationPercentage: 70,
  floors: [{ name: 'morning', start: '30 7 * * 1-6', end: '30 12 * * 1-6', timeZone: 'Asia/Shanghai', desiredReplicas: 15 }],
};

function synth(props: ScaledObjectProps) {
  const chart = Testing.chart();
  new ScaledObject(chart, 'so', props);
  return Testing.synth(chart);
}

describe('ScaledObject', () => {
  test('a cpu trigger at the target, one cron trigger per floor (metadata as kedacore/keda pkg/scalers/cron_scaler.go reads it), the target as given', () => {
    const [o] = synth(base);
    expect(o).toMatchObject({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'exam-service', namespace: 'exam-system' } });
    expect(o.spec).toEqual({
      scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'exam-service-rollout' },
      minReplicaCount: 10,
      maxReplicaCount: 20,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } },
      triggers: [
        { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
        { type: 'cron', name: 'morning', metadata: { timezone: 'Asia/Shanghai', start: '30 7 * * 1-6', end: '30 12 * * 1-6', desiredReplicas: '15' } },
      ],
    });
  });

  test('adopting an existing HPA: its name in advanced settings and the transfer annotation (kedacore/keda apis/keda/v1alpha1/scaledobject_webhook.go, verifyHpas)', () => {
    const [o] = synth({ ...base, hpa: { name: 'exam-service', adoptExisting: true } });
    expect(o.metadata.annotations).toEqual({ 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' });
    expect(o.spec.advanced.horizontalPodAutoscalerConfig.name).toBe('exam-service');
    expect(synth(base)[0].metadata.annotations).toBeUndefined();
  });

  test.each<[string, Partial<ScaledObjectProps>, RegExp]>([
    ['a floor above maxReplicas', { floors: [{ ...base.floors![0], desiredReplicas: 21 }] }, /trigger morning: desiredReplicas 21 outside 1-20/],
    ['equal start and end (KEDA refuses them)', { floors: [{ ...base.floors![0], end: '30 7 * * 1-6' }] }, /start and end are both "30 7 \* \* 1-6"; KEDA refuses that/],
    ['two triggers of one name', { floors: [base.floors![0], base.floors![0]] }, /two cron triggers named morning/],
    ['min above max', { minReplicas: 21 }, /expected 1 <= minReplicas \(21\) <= maxReplicas \(20\)/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => synth({ ...base, ...change })).toThrow(message);
  });
});
