// The 25 topics of the cheat-sheet, in its order. Titles and one-line descriptions live in
// i18n/{zh,en}.json under `topic.<id>.title` / `topic.<id>.desc`.
// `lab` is a path relative to www/ (optionally with a #hash), or null while the lab does not exist:
// the home page links a topic only when `lab` is set, so never point it at a page that is not there.
export const TOPICS = [
  { id: 'batchnorm', lab: null },
  { id: 'dilated-conv', lab: 'conv.html#preset=dilated&show=111' },
  { id: 'interpolation', lab: 'resize.html' },
  { id: 'focal-loss', lab: null },
  { id: 'depthwise-separable', lab: 'conv.html#preset=mobilenet&cmp=1' },
  { id: 'dropout', lab: 'train.html#ab=dropout&play=1' },
  { id: 'distillation', lab: null },
  { id: 'conv1x1', lab: 'conv.html#preset=mobilenet&cmp=1' },
  { id: 'add-vs-concat', lab: null },
  { id: 'weight-sharing', lab: 'conv.html#preset=vgg' },
  { id: 'receptive-field', lab: 'conv.html#preset=three3' },
  { id: 'under-overfitting', lab: 'train.html#ab=capacity&play=1' },
  { id: 'optimizers', lab: 'optim.html' },
  { id: 'non-convergence', lab: 'train.html#why=lr_too_high&play=1' },
  { id: 'weight-init', lab: 'train.html#why=zero_init&play=1' },
  { id: 'training-tricks', lab: 'train.html#ab=bn&play=1' },
  { id: 'temporal-modules', lab: null },
  { id: 'activations', lab: 'activations.html' },
  { id: 'roc-auc', lab: null },
  { id: 'l1-vs-l2', lab: 'train.html#ab=l1_l2&play=1' },
  { id: 'label-smoothing', lab: null },
  { id: 'norm-family', lab: null },
  { id: 'fpn-small-objects', lab: null },
  { id: 'softmax-sigmoid', lab: null },
  { id: 'ce-vs-mse', lab: null },
];
