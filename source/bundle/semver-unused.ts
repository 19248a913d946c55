import {semverStub} from './conf-unused-features.ts';

export default semverStub;
