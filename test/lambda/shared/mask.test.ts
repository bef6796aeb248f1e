import { maskPhoneNumber } from '../../../lambda/shared/mask';

describe('maskPhoneNumber', () => {
  it.each([
    ['+12065550100', '********0100'],
    ['+447700900123', '*********0123'],
    ['+123456789012345', '************2345'],
    ['+12345', '**2345'],
  ])('keeps only the last four digits of %s', (number, masked) => {
    // Act
    const result = maskPhoneNumber(number);

    // Assess
    expect(result).toBe(masked);
  });

  it('never shows more than four digits', () => {
    // Prepare
    const number = '+12065550100';

    // Act
    const result = maskPhoneNumber(number);

    // Assess
    expect(result.replace(/\D/g, '')).toBe('0100');
    expect(result).not.toContain('+1206');
  });

  it.each(['+12', '+123', '1234', ''])('hides %j entirely', (number) => {
    // Act
    const result = maskPhoneNumber(number);

    // Assess
    expect(result).toBe('****');
  });
});
