import { connectRetryMode } from '../../../lambda/shared/connect-retry';

describe('the retry mode of the Connect clients', () => {
  it('is adaptive by default', () => {
    // Act
    const mode = connectRetryMode({});

    // Assess
    expect(mode).toBe('adaptive');
  });

  it("follows the SDK's AWS_RETRY_MODE when the function sets it", () => {
    // Act
    const mode = connectRetryMode({ AWS_RETRY_MODE: 'standard' });

    // Assess
    expect(mode).toBe('standard');
  });

  it('takes a blank AWS_RETRY_MODE as unset', () => {
    // Act
    const mode = connectRetryMode({ AWS_RETRY_MODE: ' ' });

    // Assess
    expect(mode).toBe('adaptive');
  });
});
