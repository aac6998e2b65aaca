/** The Go text/template subset the notification templates use, with text/template's semantics. */
import { NO_VALUE, renderGoTemplate } from '../../lib/analysis/go-template';

const data = {
  rollout: {
    metadata: { name: 'exam-service-rollout', annotations: { 'rollout.argoproj.io/revision': '7' } },
    spec: { replicas: 3, paused: false, template: { spec: { containers: [{ name: 'exam-service', image: 'ghcr.io/x/exam-service:v1' }] } } },
  },
};

describe('renderGoTemplate', () => {
  test('field paths, index by key and by position, fields of an index result', () => {
    expect(renderGoTemplate('{{.rollout.metadata.name}} / {{ .rollout.spec.replicas }} / {{.rollout.spec.paused}}', data)).toBe('exam-service-rollout / 3 / false');
    expect(renderGoTemplate('{{index .rollout.metadata.annotations "rollout.argoproj.io/revision"}}', data)).toBe('7');
    expect(renderGoTemplate('{{(index .rollout.spec.template.spec.containers 0).image}}', data)).toBe('ghcr.io/x/exam-service:v1');
    expect(renderGoTemplate('no actions', data)).toBe('no actions');
    // Outside an action, }} is text (a JSON body ends with it); {{ always opens an action.
    expect(renderGoTemplate('{"a": {"name": "{{.rollout.metadata.name}}"}}', data)).toBe('{"a": {"name": "exam-service-rollout"}}');
    expect(() => renderGoTemplate('[{{"a": 1}}]', data)).toThrow(/outside the supported subset/);
  });

  test('a missing final map key prints <no value>; a field of a missing value is an error, as in Go', () => {
    expect(renderGoTemplate('{{.rollout.status}}', data)).toBe(NO_VALUE);
    expect(renderGoTemplate('{{index .rollout.metadata.annotations "absent"}}', data)).toBe(NO_VALUE);
    expect(() => renderGoTemplate('{{.rollout.status.phase}}', data, 't')).toThrow(/t: \{\{\.rollout\.status\.phase\}\}: nil pointer evaluating \.phase/);
    expect(() => renderGoTemplate('{{(index .rollout.spec.template.spec.containers 1).image}}', data)).toThrow(/index out of range: 1/);
  });

  test('refuses what it cannot evaluate: other actions, a map printed whole, broken delimiters', () => {
    expect(() => renderGoTemplate('{{if .rollout}}x{{end}}', data)).toThrow(/outside the supported subset/);
    expect(() => renderGoTemplate('{{.rollout.metadata.name | upper}}', data)).toThrow(/is not a field path/);
    expect(() => renderGoTemplate('{{range .rollout.spec.template.spec.containers}}{{.image}}{{end}}', data)).toThrow(/outside the supported subset/);
    expect(() => renderGoTemplate('{{.rollout.metadata}}', data)).toThrow(/prints a map; expected a scalar/);
    expect(() => renderGoTemplate('{{.rollout.metadata.name', data)).toThrow(/unclosed action/);
    expect(() => renderGoTemplate('{{- .rollout.metadata.name }}', data)).toThrow(/trim markers/);
  });
});
