import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { STACK_NAME, synthesizeBridge } from '../../tools/harness/synth';
import { arnFor } from './arns';
import {
  lambdaServiceRequests,
  publishRequests,
  scheduleRequests,
  subscriptionRequests,
  tableKeyRequests,
} from './deliveries';
import { type Deployment, loadDeployment, referencedId } from './deployment';
import {
  type CallPlan,
  type DeployedFunction,
  deployedFunctions,
  planCall,
} from './functions';
import { keyOf, resourcePolicy } from './policies';
import { type AuthorizationRequest, decide, decisions } from './simulate';
import { ACCOUNT, FLOW_ID, INSTANCE_ARN, REGION, VARIANTS } from './variants';

/** Every request that is not allowed, with IAM's decision. */
const refused = async (requests: readonly AuthorizationRequest[]) =>
  Object.fromEntries(
    Object.entries(await decisions(requests)).filter(
      ([, decision]) => decision !== 'Allowed'
    )
  );

const outputOf = (deployment: Deployment, name: string): string | undefined => {
  const template = JSON.parse(
    readFileSync(
      path.join(deployment.assemblyDir, `${STACK_NAME}.template.json`),
      'utf8'
    )
  ) as { Outputs?: Record<string, { Value: unknown }> };
  const value = template.Outputs?.[name]?.Value;
  return value === undefined ? undefined : deployment.resolveString(value);
};

/** The logical ID of the stack's own topic with this ARN, if it owns it. */
const ownTopicId = (deployment: Deployment, arn: string | undefined) =>
  deployment
    .idsOf('AWS::SNS::Topic')
    .find((id) => deployment.arnOf(id) === arn);

describe.each(Object.entries(VARIANTS))(
  'authorized in an account: %s',
  (_, context) => {
    let outdir: string;
    let deployment: Deployment;
    let functions: DeployedFunction[];
    let plans: { fn: DeployedFunction; call: string; plan: CallPlan }[];

    beforeAll(async () => {
      outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-authz-'));
      deployment = loadDeployment(
        synthesizeBridge(context, outdir),
        STACK_NAME,
        {
          account: ACCOUNT,
          region: REGION,
        }
      );
      functions = deployedFunctions(deployment);
      plans = [];
      for (const fn of functions) {
        for (const call of fn.calls) {
          plans.push({
            fn,
            call: `${call.client}:${call.operation}`,
            plan: await planCall(deployment, functions, fn, call),
          });
        }
      }
    });

    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it('allows every AWS call each function can make', async () => {
      // Prepare
      const requests = plans.flatMap(({ plan }) =>
        plan.kind === 'iam' ? plan.requests : []
      );

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.length).toBeGreaterThan(0);
      expect(denied).toEqual({});
    });

    it('lists the calls that IAM does not authorize, and why', () => {
      // Act
      const bearer = plans
        .filter(({ plan }) => plan.kind === 'bearer-token')
        .map(({ fn, call }) => `${fn.id} ${call}`);

      // Assess: only the participant service, and only in participant mode
      const participantMode = context.deliveryMode === 'participant';
      expect(bearer.length > 0).toBe(participantMode);
      for (const entry of bearer) {
        expect(entry).toMatch(/ client-connectparticipant:/);
      }
    });

    it('lets End User Messaging publish to the inbound topic and use its key', async () => {
      // Prepare: the numbers and pools it publishes for
      const topicId = ownTopicId(
        deployment,
        outputOf(deployment, 'InboundTopicArn')
      );
      if (topicId === undefined) {
        // An imported topic's policy is its owner's: nothing here grants it.
        expect(context.inboundTopicArn).toBeDefined();
        return;
      }
      const inbound = functions.find((fn) => fn.environment.PHONE_NUMBERS);
      const sources = [
        ...Object.values(
          JSON.parse(inbound?.environment.PHONE_NUMBERS ?? '{}') as Record<
            string,
            string
          >
        ),
        ...deployment
          .idsOf('Custom::TwoWayPool')
          .map((id) =>
            deployment.resolveString(
              deployment.resources[id]?.Properties?.PoolId
            )
          ),
      ];
      const requests = publishRequests(deployment, {
        service: 'sms-voice.amazonaws.com',
        topicId,
        sourceArns: sources,
        keyContext: 'source',
      });

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.length).toBe(sources.length * 3);
      expect(denied).toEqual({});
    });

    it('lets SNS deliver to each queue and its dead-letter queue, with their key', async () => {
      // Prepare
      const requests = subscriptionRequests(deployment);

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.length).toBeGreaterThan(0);
      expect(denied).toEqual({});
    });

    it('lets Connect stream chats to the streaming topic and use its key', async () => {
      // Prepare
      const topicId = ownTopicId(
        deployment,
        outputOf(deployment, 'StreamingTopicArn')
      );
      expect(topicId !== undefined).toBe(
        context.deliveryMode === 'participant'
      );
      if (topicId === undefined) return;
      const requests = publishRequests(deployment, {
        service: 'connect.amazonaws.com',
        topicId,
        sourceArns: [INSTANCE_ARN],
        keyContext: 'encryption-context',
      });

      // Act
      const denied = await refused(requests);

      // Assess
      expect(denied).toEqual({});
    });

    it('lets CloudWatch publish each alarm to the alarm topic and use its key', async () => {
      // Prepare: every alarm, for each topic it notifies
      const requests = deployment
        .idsOf('AWS::CloudWatch::Alarm')
        .flatMap((alarmId) => {
          const properties = deployment.resources[alarmId]?.Properties ?? {};
          const topics = [
            ...((properties.AlarmActions as unknown[]) ?? []),
            ...((properties.OKActions as unknown[]) ?? []),
          ].map(referencedId);
          return [...new Set(topics)].flatMap((topicId) =>
            publishRequests(deployment, {
              service: 'cloudwatch.amazonaws.com',
              topicId,
              sourceArns: [deployment.arnOf(alarmId)],
              keyContext: 'encryption-context',
            })
          );
        });

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.length).toBeGreaterThan(0);
      expect(denied).toEqual({});
    });

    it('lets Lambda read each queue, write dead-letter queues and write logs', async () => {
      // Prepare
      const requests = await lambdaServiceRequests(deployment, functions);

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.length).toBeGreaterThan(0);
      expect(denied).toEqual({});
    });

    it('lets DynamoDB use the table key for each function', async () => {
      // Prepare
      const requests = await tableKeyRequests(deployment, functions);

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.length).toBeGreaterThan(0);
      expect(denied).toEqual({});
    });

    it("lets EventBridge's schedule invoke the opt-out sweep", async () => {
      // Prepare
      const requests = scheduleRequests(deployment);

      // Act
      const denied = await refused(requests);

      // Assess
      expect(requests.map(({ what }) => what)).toEqual([
        expect.stringMatching(/ invokes BridgeOptOutSweepFunction/),
      ]);
      expect(denied).toEqual({});
    });

    it('lets no other rule invoke the opt-out sweep (negative control)', async () => {
      // Prepare
      const requests = scheduleRequests(
        deployment,
        () => `arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`
      );

      // Act
      const results = await Promise.all(requests.map(decide));

      // Assess
      expect(results).toEqual(['ImplicitlyDenied']);
    });

    it('runs no state machine, so the Provider framework never calls Step Functions', () => {
      expect(deployment.idsOf('AWS::StepFunctions::StateMachine')).toEqual([]);
    });

    it('denies what nothing grants (negative control)', async () => {
      // Prepare: an identity call, a key use, and a delivery and an encryption
      // for a topic that is not the bridge's
      const [inbound] = functions.filter((fn) => fn.environment.PHONE_NUMBERS);
      if (inbound === undefined) throw new Error('no inbound function');
      const queueId = referencedId(
        deployment.resources[
          deployment.idsOf('AWS::Lambda::EventSourceMapping')[0] ?? ''
        ]?.Properties?.EventSourceArn
      );
      const keyId = keyOf(deployment, queueId) ?? '';
      const queuePolicy = resourcePolicy(deployment, queueId);
      const base = {
        resourceAccount: ACCOUNT,
        identityPolicies: inbound.policies,
        context: { 'aws:RequestedRegion': REGION },
      };
      const requests: AuthorizationRequest[] = [
        {
          ...base,
          what: 'the inbound function starts a chat in a flow it was not given',
          principal: inbound.roleArn,
          action: 'connect:StartChatContact',
          resource: await arnFor(deployment, 'connect', 'contact-flow', {
            InstanceId: INSTANCE_ARN.split('/').pop() ?? '',
            ContactFlowId: FLOW_ID.replace(/^2/, '9'),
          }),
        },
        {
          ...base,
          what: 'the inbound function scans its queue key into plaintext',
          principal: inbound.roleArn,
          action: 'kms:Encrypt',
          resource: await arnFor(deployment, 'kms', 'key', { KeyId: keyId }),
          resourcePolicy: resourcePolicy(deployment, keyId) ?? {},
        },
        {
          ...base,
          what: "another stack's topic delivers to the bridge queue",
          principal: 'sns.amazonaws.com',
          identityPolicies: [],
          action: 'sqs:SendMessage',
          resource: deployment.arnOf(queueId),
          context: {
            'aws:SourceAccount': ACCOUNT,
            'aws:SourceArn': `arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`,
          },
          ...(queuePolicy === undefined ? {} : { resourcePolicy: queuePolicy }),
        },
      ];

      // Act
      const results = await Promise.all(requests.map(decide));

      // Assess
      expect(results).toEqual([
        'ImplicitlyDenied',
        'ImplicitlyDenied',
        'ImplicitlyDenied',
      ]);
    });
  }
);
