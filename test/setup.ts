import 'aws-sdk-client-mock-jest';
import { installLogCapture } from './log-privacy/capture';

installLogCapture();
