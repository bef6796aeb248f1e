/** The configurations the authorization suite deploys, as `-c` gives them. */
export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
export const FLOW_ID = '22222222-3333-4444-5555-666666666666';
const NUMBERS = {
  '+12065550100': `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`,
  '+12065550101': `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-fedcba9876543210fedcba9876543210`,
};
export const POOL_ARN = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:pool/pool-0123456789abcdef0123456789abcdef`;
export const IMPORTED_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:existing-two-way`;

const required = {
  connectInstanceArn: INSTANCE_ARN,
  phoneNumbers: JSON.stringify(NUMBERS),
};
const participant = {
  ...required,
  deliveryMode: 'participant',
  contactFlowId: FLOW_ID,
};

export const VARIANTS: Readonly<Record<string, Record<string, string>>> = {
  default: required,
  participant,
  'participant with two-way, self-managed opt-outs, pools and alarm email': {
    ...participant,
    configureTwoWay: 'true',
    selfManagedOptOuts: 'true',
    pools: JSON.stringify([POOL_ARN]),
    alarmEmail: 'oncall@example.com',
  },
  'integration-event with two-way and self-managed opt-outs': {
    ...required,
    configureTwoWay: 'true',
    selfManagedOptOuts: 'true',
  },
  'an imported inbound topic': {
    ...required,
    inboundTopicArn: IMPORTED_TOPIC_ARN,
  },
};
