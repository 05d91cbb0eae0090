import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine is shared: give async queries room.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30000);
