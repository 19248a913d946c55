// The matrix asked the way rakkess asks it: discovery, then one SelfSubjectAccessReview per resource and
// verb the resource supports (no subresources), eight at a time. A baseline for `npm run bench`.
//   node ssar-fanout.mjs CONTEXT NAMESPACE[,NAMESPACE...]
import {selfSubjectAccessReview} from '../../source/access/reviews.ts';
import {connect} from '../../source/cluster/api-client.ts';
import {discover, inParallel, preferredResources} from '../../source/discovery/discovery.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';

const [contextName = '', namespaceList = 'default'] = process.argv.slice(2);
const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const config = await loadKubeconfig(selectKubeconfigFiles({env: process.env, cwd: process.cwd()}));
const client = await connect(config, contextName, {timeoutMs: 30_000});
const resources = preferredResources(await discover(client));
const questions = namespaceList.split(',').flatMap((namespace) =>
	resources.flatMap((resource) => verbs.filter((verb) => resource.verbs.includes(verb)).map((verb) => ({namespace: resource.namespaced ? namespace : '', verb, group: resource.group, resource: resource.resource}))),
);
const answers = await inParallel(questions, 8, async (attributes) => (await selfSubjectAccessReview(client, attributes)).allowed);
process.stdout.write(`${JSON.stringify({requests: client.requests, allowed: answers.filter(Boolean).length, asked: questions.length})}\n`);
client.close();
