import {
  type Context,
  propertiesOf,
  REQUIRED_CONTEXT,
  synthBridge,
  synthError,
} from '../../support/bridge-app';

const PARTICIPANT: Context = {
  ...REQUIRED_CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: '22222222-3333-4444-5555-666666666666',
};

const outboundVariables = (context: Context) => {
  const { template, bridge } = synthBridge(context);
  const fn = bridge.participant?.outboundFunction;
  if (fn === undefined) throw new Error('no outbound function');
  return (
    propertiesOf(template, fn).Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;
};

describe('the outbound notices (attachmentNotice, unsupportedMessageNotice)', () => {
  it('reach the outbound function with their defaults', () => {
    // Act
    const variables = outboundVariables(PARTICIPANT);

    // Assess
    expect(variables).toMatchObject({
      ATTACHMENT_NOTICE:
        "The agent sent an attachment, which can't be shown by text message.",
      UNSUPPORTED_MESSAGE_NOTICE:
        "The agent sent a message that can't be shown by text message.",
    });
  });

  it('reach it as the context sets them, up to 1,600 characters', () => {
    // Prepare: characters, not bytes, within what both functions' 4 KB
    // of environment variables can hold
    const attachmentNotice = 'Nous ne pouvons pas envoyer de fichier par SMS.';
    const unsupportedMessageNotice = `${'é'.repeat(780)}${'e'.repeat(820)}`;

    // Act
    const variables = outboundVariables({
      ...PARTICIPANT,
      attachmentNotice,
      unsupportedMessageNotice,
    });

    // Assess
    expect(variables).toMatchObject({
      ATTACHMENT_NOTICE: attachmentNotice,
      UNSUPPORTED_MESSAGE_NOTICE: unsupportedMessageNotice,
    });
  });

  it.each([
    ['attachmentNotice', '  '],
    ['unsupportedMessageNotice', 'x'.repeat(1601)],
  ])('fail synth naming %s and showing a bad value', (setting, value) => {
    // Act
    const message = synthError({ ...PARTICIPANT, [setting]: value });

    // Assess
    expect(message).toBe(
      `${setting} must be 1 to 1600 characters and not blank, got ${JSON.stringify(value)}`
    );
  });

  it('fail synth outside participant mode, which sends no replies', () => {
    // Act
    const message = synthError({
      ...REQUIRED_CONTEXT,
      attachmentNotice: 'No files by SMS',
    });

    // Assess
    expect(message).toBe(
      'attachmentNotice needs deliveryMode=participant, got "No files by SMS"'
    );
  });

  it('reach the inbound function too, which texts them for what a flow said', () => {
    // Act
    const { template, bridge } = synthBridge({
      ...PARTICIPANT,
      attachmentNotice: 'No files by SMS',
    });

    // Assess
    expect(propertiesOf(template, bridge.handler)).toMatchObject({
      Environment: {
        Variables: {
          ATTACHMENT_NOTICE: 'No files by SMS',
          UNSUPPORTED_MESSAGE_NOTICE:
            "The agent sent a message that can't be shown by text message.",
        },
      },
    });
  });

  it("fail synth naming them when they overflow the inbound function's environment", () => {
    // Act: 1,600 characters each, but 3,200 bytes, too much for the
    // inbound function beside its own settings
    const message = synthError({
      ...PARTICIPANT,
      unsupportedMessageNotice: 'é'.repeat(1600),
    });

    // Assess
    expect(message).toMatch(
      /^phoneNumbers, contactAttributes, attachmentNotice and unsupportedMessageNotice must fit in Lambda's 4096 bytes of environment variables, got "\d+ bytes"$/
    );
  });

  it("fail synth naming both when they overflow Lambda's environment", () => {
    // Act
    const message = synthError({
      ...PARTICIPANT,
      attachmentNotice: '😀'.repeat(1600),
      unsupportedMessageNotice: '😀'.repeat(1600),
    });

    // Assess
    expect(message).toMatch(
      /attachmentNotice and unsupportedMessageNotice must fit in Lambda's 4096 bytes of environment variables, got "\d+ bytes"$/
    );
  });
});
