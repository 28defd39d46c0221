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
// the e2e test. `also` (optional): more links for the topic, `{href, label}` (an i18n key), shown
// in the topic view and on the home card, e.g. the training lab's A/B preset of a topic whose view
// is in another lab, or the convnet version of a comparison in the normalization lab.
export const TOPICS = [
  {
    id: 'batchnorm',
    lab: 'norm.html#lr=1',
    view: {
      panel: 'bn-ab',
      steps: [
        { set: { lr: '0.1' }, watch: '#ab-lr' },
        { set: { opt: 'adam', lr: '0.03' }, watch: '#ab-opt' },
      ],
    },
  },
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
    lab: 'eval.html#k=8',
    view: {
      panel: 'ensemble',
      steps: [
        { set: { k: '128' }, watch: '#gap-now' },
        { set: { kd: '0.2' }, watch: '#gap-now' },
      ],
    },
    also: [{ href: 'train.html#ab=dropout&play=1', label: 'topicview.also_train_dropout' }],
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
  {
    id: 'add-vs-concat',
    lab: 'arch.html#ch=8&co=8',
    view: {
      panel: 'fuse',
      steps: [
        { set: { co: '32' }, watch: '#fuse-counts tbody' },
        { set: { ch: '4' }, watch: '#fuse-counts tbody' },
      ],
    },
  },
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
    lab: 'eval.html#data=moons&b=16,16',
    view: {
      panel: 'curves',
      steps: [
        { set: { ep: '200' }, watch: '#lc-gap' },
        { set: { data: 'cancer' }, watch: '#lc-gap' },
      ],
    },
    also: [{ href: 'train.html#ab=capacity&play=1', label: 'topicview.also_train_capacity' }],
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
    also: [{ href: 'norm.html#topic=batchnorm&lr=1', label: 'topicview.also_norm_bn' }],
  },
  {
    id: 'temporal-modules',
    lab: 'arch.html#k=2&dil=1,2,4,8,16',
    view: {
      panel: 'temporal',
      steps: [
        { set: { dil: '2,2,2' }, watch: '#tcn-rf' },
        { set: { k: '3', dil: '1,2,4,8' }, watch: '#tcn-rf' },
      ],
    },
  },
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
  {
    id: 'roc-auc',
    lab: 'eval.html#data=moons&thr=0.3',
    view: {
      panel: 'roc',
      steps: [
        { set: { pos: '10' }, watch: '#ap-a' },
        { set: { thr: '0.8' }, watch: '#thr-out' },
        { set: { data: 'cancer' }, watch: '#auc-trap' },
      ],
    },
  },
  {
    id: 'l1-vs-l2',
    lab: 'eval.html#lam=0.5',
    view: {
      panel: 'geometry',
      steps: [
        { set: { lam: '1.2' }, watch: '#l1-w1' },
        { set: { orth: '0', rho: '0.7' }, watch: '#l2-w1' },
      ],
    },
    also: [{ href: 'train.html#ab=l1_l2&play=1', label: 'topicview.also_train_l1l2' }],
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
  {
    id: 'norm-family',
    lab: 'norm.html#norm=bn',
    view: {
      panel: 'cube',
      steps: [
        { set: { norm: 'ln' }, watch: '#cube-count' },
        { set: { norm: 'gn', g: '4' }, watch: '#cube-count' },
        { set: { norm: 'in' }, watch: '#cube-count' },
      ],
    },
  },
  {
    id: 'fpn-small-objects',
    lab: 'arch.html#top=5&up=nearest',
    view: {
      panel: 'fpn',
      steps: [
        { set: { up: 'bilinear' }, watch: '#fpn-steps' },
        { set: { top: '3' }, watch: '#fpn-levels tbody' },
      ],
    },
  },
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
