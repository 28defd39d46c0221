// The 25 topics of the cheat-sheet, in its order. Titles and one-line descriptions live in
// i18n/{zh,en}.json under `topic.<id>.title` / `topic.<id>.desc`.
// `lab` is a path relative to www/ with the lab's own preset keys (optionally a #hash), or null
// while the lab does not exist: the home page links a topic only when `lab` is set, so never
// point it at a page that is not there.
//
// `view` (every topic with a lab has one) is its topic view (app/topicview.js): the page opens
// with `lab`'s keys plus `topic=<id>`, shows the question and its answer (i18n `topic.<id>.q`,
// `topic.<id>.a`), highlights the element marked `data-topic-panel="<panel>"` and offers the
// `steps`: each applies `set` to the URL hash (one control: the lab follows its hash) and says
// what to look for (i18n `topic.<id>.try<N>` on the button, `topic.<id>.look<N>` beside it).
// `watch` names the element whose text (or form value, or checkbox state) the step changes, for
// the e2e test.
export const TOPICS = [
  { id: 'batchnorm', lab: null },
  {
    id: 'dilated-conv',
    lab: 'conv.html#preset=dilated&show=110',
    view: {
      panel: 'cell',
      steps: [
        { set: { stack: 'c3.1.2.2.16.1_c3.1.2.2.16.1_c3.1.2.2.16.1' }, watch: '#ro-support' },
        { set: { stack: 'c3.1.1.1.16.1_c3.1.1.1.16.1_c3.1.1.1.16.1' }, watch: '#ro-r' },
      ],
    },
  },
  {
    id: 'interpolation',
    lab: 'resize.html#src=chart&s=4&m=bilinear&conv=half&b=nearest&v=side&px=9&py=6',
    view: {
      panel: 'inspector',
      steps: [
        { set: { conv: 'corners' }, watch: '#inspector' },
        { set: { m: 'nearest' }, watch: '#inspector' },
      ],
    },
  },
  {
    id: 'focal-loss',
    lab: 'losses.html#gamma=2',
    view: {
      panel: 'focal',
      steps: [
        { set: { gamma: '5' }, watch: '#fl-out' },
        { set: { gamma: '0' }, watch: '#fl-out' },
      ],
    },
  },
  {
    id: 'depthwise-separable',
    lab: 'conv.html#stack=c3.1.1.1.4.1&cmp=1',
    view: {
      panel: 'cost',
      steps: [
        { set: { stack: 'c3.1.1.1.64.1' }, watch: '#layer-table tbody' },
        { set: { stack: 'c5.1.2.1.4.1' }, watch: '#layer-table tbody' },
        { set: { stack: 'c3.2.1.1.32.1_c3.1.1.1.32.32_c1.1.0.1.64.1' }, watch: '#layer-table tbody' },
      ],
    },
  },
  {
    id: 'dropout',
    lab: 'train.html#ab=dropout&play=1',
    view: {
      panel: 'output',
      steps: [
        { set: { 'b.drop': '0.5' }, watch: '#ab-table thead' },
        { set: { ratio: '60' }, watch: '#ratio-out' },
        { set: { noise: '0' }, watch: '#noise-out' },
      ],
    },
  },
  {
    id: 'distillation',
    lab: 'losses.html#kdT=4',
    view: {
      panel: 'kd',
      steps: [
        { set: { kdT: '1' }, watch: '#kdT-out' },
        { set: { kdT: '10' }, watch: '#kdT-out' },
      ],
    },
  },
  {
    id: 'conv1x1',
    lab: 'conv.html#stack=c3.1.1.1.64.1_c1.1.0.1.16.1_c3.1.1.1.16.1_c1.1.0.1.64.1',
    view: {
      panel: 'layer-table',
      steps: [
        { set: { stack: 'c3.1.1.1.64.1_c1.1.0.1.256.1_c3.1.1.1.16.1_c1.1.0.1.64.1' }, watch: '#layer-table tbody' },
        { set: { stack: 'c3.1.1.1.64.1_c3.1.1.1.16.1_c3.1.1.1.16.1_c1.1.0.1.64.1' }, watch: '#layer-table tbody' },
      ],
    },
  },
  { id: 'add-vs-concat', lab: null },
  {
    id: 'weight-sharing',
    lab: 'conv.html#preset=vgg&fk=sobel_x&pool=none&dx=6&dy=4',
    view: {
      panel: 'maps',
      steps: [
        { set: { pool: 'max' }, watch: '#fm-check' },
        { set: { dx: '5', dy: '3' }, watch: '#fm-check' },
      ],
    },
  },
  {
    id: 'receptive-field',
    lab: 'conv.html#preset=three3&show=110',
    view: {
      panel: 'cell',
      steps: [
        { set: { stack: 'c3.1.1.1.16.1_c3.1.1.1.16.1_c3.1.1.1.16.1_c3.1.1.1.16.1' }, watch: '#ro-r' },
        { set: { stack: 'c3.2.1.1.16.1_c3.1.1.1.16.1_c3.1.1.1.16.1' }, watch: '#ro-r' },
        { set: { show: '111' }, watch: '#show-erf' },
      ],
    },
  },
  {
    id: 'under-overfitting',
    lab: 'train.html#ab=capacity&play=1',
    view: {
      panel: 'output',
      steps: [
        { set: { 'b.hidden': '4' }, watch: '#ab-table thead' },
        { set: { ratio: '80' }, watch: '#ratio-out' },
      ],
    },
  },
  {
    id: 'optimizers',
    lab: 'optim.html#f=ravine&t=60',
    view: {
      panel: 'paths',
      steps: [
        { set: { f: 'rotated', t: '100' }, watch: '#fn-formula' },
        { set: { f: 'saddle', t: '60' }, watch: '#fn-formula' },
        { set: { f: 'rosenbrock', t: '200' }, watch: '#fn-formula' },
      ],
    },
  },
  {
    id: 'non-convergence',
    lab: 'train.html#why=lr_too_high&play=1',
    view: {
      panel: 'output',
      steps: [
        { set: { lr: '0.03' }, watch: '#lr' },
        { set: { lr: '0.00001' }, watch: '#lr' },
      ],
    },
  },
  {
    id: 'weight-init',
    lab: 'train.html#why=zero_init&play=1',
    view: {
      panel: 'output',
      steps: [
        { set: { init: 'xavier_uniform' }, watch: '#opt-init' },
        { set: { init: 'normal', iscale: '3' }, watch: '#opt-init' },
      ],
    },
  },
  {
    id: 'training-tricks',
    lab: 'train.html#ab=bn&play=1',
    view: {
      panel: 'output',
      steps: [
        { set: { 'b.bn': null }, watch: '#ab-table thead' },
        { set: { sched: 'cosine', tmax: '200' }, watch: '#opt-schedule' },
        { set: { es: '20' }, watch: '#opt-early_stopping' },
      ],
    },
  },
  { id: 'temporal-modules', lab: null },
  {
    id: 'activations',
    lab: 'activations.html#x=3',
    view: {
      panel: 'curves',
      steps: [
        { set: { x: '0' }, watch: '#x-out' },
        { set: { x: '-3' }, watch: '#x-out' },
        { set: { init: 'kaiming_uniform' }, watch: '#init' },
      ],
    },
  },
  { id: 'roc-auc', lab: null },
  {
    id: 'l1-vs-l2',
    lab: 'train.html#ab=l1_l2&play=1',
    view: {
      panel: 'ab',
      steps: [
        { set: { l1: '0.01' }, watch: '#ab-table thead' },
        { set: { 'b.l2': '0.03' }, watch: '#ab-table thead' },
      ],
    },
  },
  {
    id: 'label-smoothing',
    lab: 'losses.html#eps=0.1',
    view: {
      panel: 'smoothing',
      steps: [
        { set: { eps: '0.3' }, watch: '#minloss-out' },
        { set: { eps: '0' }, watch: '#minloss-out' },
      ],
    },
  },
  { id: 'norm-family', lab: null },
  { id: 'fpn-small-objects', lab: null },
  {
    id: 'softmax-sigmoid',
    lab: 'losses.html#T=1',
    view: {
      panel: 'softmax',
      steps: [
        { set: { T: '5' }, watch: '#sm-sum' },
        { set: { z: '1000,999,998' }, watch: '#sm-naive' },
      ],
    },
  },
  {
    id: 'ce-vs-mse',
    lab: 'losses.html#cursor=0.3',
    view: {
      panel: 'ce-mse',
      steps: [
        { set: { cursor: '0.02' }, watch: '#cursor-out' },
        { set: { cursor: '0.5' }, watch: '#cursor-out' },
      ],
    },
  },
];

/** The topics that have a lab (and so a topic view), in cheat-sheet order. */
export const VIEW_TOPICS = TOPICS.filter((tp) => tp.lab);

/** The topic view's link of a topic with a lab: its lab's preset keys plus `topic=<id>`. */
export function topicHref(topic) {
  if (!topic.lab) return null;
  const [page, hash = ''] = topic.lab.split('#');
  return `${page}#${[hash, `topic=${encodeURIComponent(topic.id)}`].filter(Boolean).join('&')}`;
}

/** The page (file name) of a topic's lab. */
export const topicPage = (topic) => (topic.lab ? topic.lab.split('#')[0] : null);

/** The previous and next topic with a lab (null at either end). */
export function neighbours(id) {
  const i = VIEW_TOPICS.findIndex((tp) => tp.id === id);
  if (i < 0) return { prev: null, next: null };
  return { prev: VIEW_TOPICS[i - 1] ?? null, next: VIEW_TOPICS[i + 1] ?? null };
}

/** Position of a topic in the cheat-sheet (1-based), or 0. */
export const topicNumber = (id) => TOPICS.findIndex((tp) => tp.id === id) + 1;
