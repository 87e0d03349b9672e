import { describe, expect, it } from 'vitest';
import type { K8sAuditEvent } from '../event.js';
import type { AuditSource } from './audit-source.js';
import { buildAuditEvent } from './build-audit-event.js';
import { falcoEvent } from './test-events.js';

const SOURCE: AuditSource = {
  format: 'k8s-audit',
  cluster: 'dev',
  file: 'audit.log',
  line: 7,
  fallbackTimeMs: Number.NaN,
  truncated: false,
};

function build(raw: Record<string, unknown>): K8sAuditEvent {
  const result = buildAuditEvent(raw, SOURCE);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

describe('buildAuditEvent', () => {
  it('maps an exec event', () => {
    const event = build(falcoEvent('k8s_audit/exec_pod.json'));
    expect(event.id).toBe('ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6');
    expect(event.kind).toBe('k8s-audit');
    expect(event.time).toBe('2018-10-26T13:38:34.867Z');
    expect(event.timeMs).toBe(Date.UTC(2018, 9, 26, 13, 38, 34, 867));
    expect(event.cluster).toBe('dev');
    expect(event.node).toBe('unknown');
    expect(event.pod).toBe('unknown');
    expect(event.container).toBe('unknown');
    expect(event.origin).toEqual({
      format: 'k8s-audit',
      file: 'audit.log',
      line: 7,
    });
    expect(event.truncated).toBe(false);
  });

  it('copies stage fields', () => {
    const audit = build(falcoEvent('k8s_audit/exec_pod.json')).audit;
    expect(audit.stage).toBe('ResponseStarted');
    expect(audit.level).toBe('Request');
    expect(audit.verb).toBe('create');
    expect(audit.user).toEqual({
      username: 'minikube-user',
      groups: ['system:masters', 'system:authenticated'],
    });
    expect(audit.sourceIPs).toEqual(['192.168.99.1']);
    expect(audit.objectRef).toEqual({
      resource: 'pods',
      subresource: 'exec',
      namespace: 'default',
      name: 'nginx-deployment-7998647bdf-phvq7',
      apiVersion: 'v1',
    });
    expect(audit.responseStatus).toEqual({ code: 101 });
    expect(audit.requestReceivedTimestamp).toBe('2018-10-26T13:38:34.867116Z');
    expect(audit.stageTimestamp).toBe('2018-10-26T13:38:34.902914Z');
    expect(audit.annotations['authorization.k8s.io/decision']).toBe('allow');
  });

  it('keeps request objects by reference', () => {
    const raw = falcoEvent('psp/privileged.json');
    const audit = build(raw).audit;
    expect(audit.requestObject).toBe(raw.requestObject);
    expect(audit.user.groups).toBe((raw.user as { groups: string[] }).groups);
  });

  it('reads v1beta1 timestamp fallbacks', () => {
    const raw = falcoEvent('psp/privileged.json');
    expect(raw.apiVersion).toBe('audit.k8s.io/v1beta1');
    delete raw.requestReceivedTimestamp;
    delete raw.stageTimestamp;
    expect(build(raw).time).toBe('2018-10-25T14:09:12.000Z');

    delete raw.timestamp;
    (raw.metadata as Record<string, unknown>).creationTimestamp =
      '2018-10-25T14:09:13Z';
    expect(build(raw).time).toBe('2018-10-25T14:09:13.000Z');
  });

  it('rejects missing essentials', () => {
    const noVerb = falcoEvent('k8s_audit/exec_pod.json');
    delete noVerb.verb;
    expect(buildAuditEvent(noVerb, SOURCE)).toBe('missing verb');

    const noId = falcoEvent('k8s_audit/exec_pod.json');
    delete noId.auditID;
    expect(buildAuditEvent(noId, SOURCE)).toBe('missing auditID');

    const noUser = falcoEvent('k8s_audit/exec_pod.json');
    delete noUser.user;
    expect(buildAuditEvent(noUser, SOURCE)).toBe('missing user');

    const noName = falcoEvent('k8s_audit/exec_pod.json');
    noName.user = { groups: [] };
    expect(buildAuditEvent(noName, SOURCE)).toBe('missing user.username');

    expect(buildAuditEvent({ kind: 0 }, SOURCE)).toBe('missing verb');
  });

  it('rejects fields of the wrong type', () => {
    const raw = falcoEvent('k8s_audit/exec_pod.json');
    raw.sourceIPs = ['10.0.0.1', 5];
    expect(buildAuditEvent(raw, SOURCE)).toBe(
      'invalid sourceIPs: expected an array of strings, found a number',
    );

    const badVerb = falcoEvent('k8s_audit/exec_pod.json');
    badVerb.verb = ['create'];
    expect(buildAuditEvent(badVerb, SOURCE)).toBe(
      'invalid verb: expected a string, got an array',
    );

    const badTime = falcoEvent('k8s_audit/exec_pod.json');
    badTime.requestReceivedTimestamp = 'yesterday';
    expect(buildAuditEvent(badTime, SOURCE)).toBe(
      'invalid requestReceivedTimestamp "yesterday"',
    );
  });

  it('marks the truncated annotation', () => {
    const raw = falcoEvent('k8s_audit/exec_pod.json');
    raw.annotations = { 'audit.k8s.io/truncated': 'true' };
    expect(build(raw).truncated).toBe(true);
  });

  it('cuts an oversized user agent', () => {
    const raw = falcoEvent('k8s_audit/exec_pod.json');
    raw.userAgent = 'x'.repeat(70_000);
    const event = build(raw);
    expect(event.audit.userAgent.length).toBe(65_536);
    expect(event.truncated).toBe(true);
  });

  it('falls back to the envelope time', () => {
    const raw = falcoEvent('k8s_audit/exec_pod.json');
    delete raw.requestReceivedTimestamp;
    delete raw.stageTimestamp;
    delete raw.timestamp;
    delete raw.metadata;
    const source = { ...SOURCE, fallbackTimeMs: Date.UTC(2020, 0, 1) };
    const result = buildAuditEvent(raw, source);
    expect(typeof result === 'string' ? result : result.time).toBe(
      '2020-01-01T00:00:00.000Z',
    );
    expect(buildAuditEvent(raw, SOURCE)).toBe(
      'missing requestReceivedTimestamp',
    );
  });
});
