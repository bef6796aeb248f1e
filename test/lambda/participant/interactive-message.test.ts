import { renderInteractiveMessage } from '../../../lambda/participant/interactive-message';

/**
 * The templates of the Amazon Connect administrator guide's "Add
 * interactive messages to chat", trimmed of what SMS cannot show.
 */
const LIST_PICKER = {
  templateType: 'ListPicker',
  version: '1.0',
  data: {
    replyMessage: {
      title: 'Thanks for selecting!',
      subtitle: 'Produce selected',
    },
    content: {
      title: 'What produce would you like to buy?',
      subtitle: 'Tap to select option',
      imageType: 'URL',
      imageData:
        'https://interactive-msg.s3-us-west-2.amazonaws.com/fruit_34.3kb.jpg',
      imageDescription: 'Select a produce to buy',
      elements: [
        {
          title: 'Apple',
          subtitle: '$1.00',
          imageType: 'URL',
          imageData: 'https://example.com/apple.jpg',
        },
        { title: 'Orange', subtitle: '$1.50' },
        { title: 'Banana', subtitle: '$10.00', imageDescription: 'Banana' },
      ],
    },
  },
};

const TIME_PICKER = {
  templateType: 'TimePicker',
  version: '1.0',
  data: {
    replyMessage: {
      title: 'Thanks for selecting',
      subtitle: 'Appointment selected',
    },
    content: {
      title: 'Schedule appointment',
      subtitle: 'Tap to select option',
      timeZoneOffset: -450,
      location: {
        latitude: 47.616299,
        longitude: -122.4311,
        title: 'Oscar',
        radius: 1,
      },
      timeslots: [
        { date: '2020-10-31T17:00+00:00', duration: 60 },
        { date: '2020-11-15T13:00+00:00', duration: 60 },
      ],
    },
  },
};

const PANEL = {
  templateType: 'Panel',
  version: '1.0',
  data: {
    content: {
      title: 'How can I help you?',
      subtitle: 'Tap to select option',
      imageType: 'URL',
      imageData:
        'https://interactive-msg.s3-us-west-2.amazonaws.com/company.jpg',
      elements: [
        { title: 'Check self-service options' },
        { title: 'Talk to an agent' },
        { title: 'End chat' },
      ],
    },
  },
};

const QUICK_REPLY = {
  templateType: 'QuickReply',
  version: '1.0',
  data: {
    replyMessage: { title: 'Thanks for selecting!' },
    content: {
      title: 'Which department would you like?',
      elements: [{ title: 'Billing' }, { title: 'Cancellation' }],
    },
  },
};

const render = (template: unknown) =>
  renderInteractiveMessage(JSON.stringify(template));

describe('renderInteractiveMessage', () => {
  it('texts a list picker as its title, subtitle and numbered elements with their subtitles', () => {
    // Act
    const rendered = render(LIST_PICKER);

    // Assess
    expect(rendered).toEqual({
      template: 'ListPicker',
      text: [
        'What produce would you like to buy?',
        'Tap to select option',
        '1. Apple - $1.00',
        '2. Orange - $1.50',
        '3. Banana - $10.00',
      ].join('\n'),
    });
  });

  it('texts a time picker as its title, location and numbered time slots', () => {
    // Act
    const rendered = render(TIME_PICKER);

    // Assess
    expect(rendered).toEqual({
      template: 'TimePicker',
      text: [
        'Schedule appointment',
        'Tap to select option',
        'Oscar',
        '1. 2020-10-31 17:00+00:00 (60 min)',
        '2. 2020-11-15 13:00+00:00 (60 min)',
      ].join('\n'),
    });
  });

  it('texts a panel as its title, subtitle and numbered choices', () => {
    // Act
    const rendered = render(PANEL);

    // Assess
    expect(rendered?.text).toBe(
      [
        'How can I help you?',
        'Tap to select option',
        '1. Check self-service options',
        '2. Talk to an agent',
        '3. End chat',
      ].join('\n')
    );
  });

  it('texts quick replies as the title and numbered replies', () => {
    // Act
    const rendered = render(QUICK_REPLY);

    // Assess
    expect(rendered?.text).toBe(
      'Which department would you like?\n1. Billing\n2. Cancellation'
    );
  });

  it('texts a carousel card by card, numbering on across cards', () => {
    // Prepare
    const carousel = {
      templateType: 'Carousel',
      version: '1.0',
      data: {
        content: {
          title: 'Select a destination:',
          elements: [
            { ...PANEL, templateIdentifier: 'template0' },
            { ...QUICK_REPLY, templateIdentifier: 'template1' },
          ],
        },
      },
    };

    // Act
    const rendered = render(carousel);

    // Assess
    expect(rendered).toEqual({
      template: 'Carousel',
      text: [
        'Select a destination:',
        '',
        'How can I help you?',
        'Tap to select option',
        '1. Check self-service options',
        '2. Talk to an agent',
        '3. End chat',
        '',
        'Which department would you like?',
        '4. Billing',
        '5. Cancellation',
      ].join('\n'),
    });
  });

  it('shows each title on one line', () => {
    // Prepare
    const template = {
      ...QUICK_REPLY,
      data: {
        content: {
          title: 'Which\ndepartment?  ',
          elements: [{ title: ' Billing\r\nteam ' }],
        },
      },
    };

    // Act
    const rendered = render(template);

    // Assess
    expect(rendered?.text).toBe('Which department?\n1. Billing team');
  });

  it.each([
    ['not JSON', 'not json'],
    ['a list', '[]'],
    [
      'a template the bridge does not know',
      JSON.stringify({ ...PANEL, templateType: 'ApplePay' }),
    ],
    ['no templateType', JSON.stringify({ data: PANEL.data })],
    [
      'a known template with no content',
      JSON.stringify({ templateType: 'Panel', version: '1.0' }),
    ],
    [
      'a known template with neither title nor option',
      JSON.stringify({
        templateType: 'ListPicker',
        data: { content: { title: ' ', elements: [{}] } },
      }),
    ],
  ])('renders nothing for %s, so the notice is sent', (_, content) => {
    // Act
    const rendered = renderInteractiveMessage(content);

    // Assess
    expect(rendered).toBeUndefined();
  });
});
