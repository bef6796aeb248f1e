import { conversationInversions as countInversions } from '../../../tools/fault-injection/tally';

const event = (customer: string, content: string) => ({
  SourceId: customer,
  DestinationId:
    'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-1',
  Event: { Type: 'MESSAGE', Content: content },
});
const PUBLISHED = ['MESSAGE a1', 'MESSAGE b1', 'MESSAGE a2', 'MESSAGE a3'];

describe('countInversions', () => {
  it('counts none when each conversation is taken in publication order', () => {
    // Prepare
    const accepted = [
      event('+14255550100', 'a1'),
      event('+14255550100', 'a2'),
      event('+14255550101', 'b1'),
      event('+14255550100', 'a3'),
    ];

    // Act
    const result = countInversions(PUBLISHED, accepted);

    // Assess
    expect(result).toEqual({ inversions: 0, conversationsWithInversions: 0 });
  });

  it('counts each pair of a conversation taken in the wrong order', () => {
    // Prepare: a3 overtakes a1 and a2
    const accepted = [
      event('+14255550100', 'a3'),
      event('+14255550100', 'a1'),
      event('+14255550100', 'a2'),
    ];

    // Act
    const result = countInversions(PUBLISHED, accepted);

    // Assess
    expect(result).toEqual({ inversions: 2, conversationsWithInversions: 1 });
  });

  it('counts a duplicate at its first acceptance only', () => {
    // Prepare
    const accepted = [
      event('+14255550100', 'a1'),
      event('+14255550100', 'a2'),
      event('+14255550100', 'a1'),
    ];

    // Act
    const result = countInversions(PUBLISHED, accepted);

    // Assess
    expect(result).toEqual({ inversions: 0, conversationsWithInversions: 0 });
  });
});
