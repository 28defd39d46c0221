//! The resize lab's inputs: the file chooser, the sample buttons, a file dropped anywhere on the
//! page (with its overlay) and a pasted image. Each hands a source spec ({kind: 'file', blob,
//! name} or a SAMPLES entry) to the job loop, which decodes it in the worker.
import { codedError } from '../app/errors.js';
import { t } from '../app/i18n.js';
import { SAMPLES } from './resize.state.js';
import { requestLoad } from './resize.jobs.js';
import { showNotice } from './resize.notice.js';

const $ = (id) => document.getElementById(id);

function loadFile(file) {
  requestLoad({ kind: 'file', blob: file, name: file.name || t('resize.pasted') });
}

const isTextField = (el) => el && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'file'].includes(el.type)));

export function wireInput() {
  $('file').addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) loadFile(f);
    e.target.value = ''; // choosing the same file again loads it again
  });
  for (const b of document.querySelectorAll('[data-sample]')) {
    b.addEventListener('click', () => requestLoad(SAMPLES[b.dataset.sample]));
  }
  // drag and drop anywhere on the page
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    $('drop-overlay').hidden = false;
  });
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (!depth) $('drop-overlay').hidden = true;
  });
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    $('drop-overlay').hidden = true;
    const f = e.dataTransfer.files[0];
    if (f) loadFile(f);
  });
  document.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files || [])];
    const f = files.find((x) => x.type.startsWith('image/')) || files[0]
      || [...(e.clipboardData?.items || [])].find((i) => i.kind === 'file')?.getAsFile();
    if (f) {
      e.preventDefault();
      loadFile(f);
    } else if (!isTextField(document.activeElement)) {
      showNotice(codedError('paste_empty'));
    }
  });
}
