// Runs yunet_n_dynamic.onnx in ONNX Runtime (onnxruntime-node 1.30.0) on a raw
// float32 1x3xHxW input and writes each output as raw little-endian float32
// plus a JSON index of their shapes. Used only to regenerate reference.json
// (see README.md); never run by the tests.
//
//   node ort_ref.js MODEL INPUT.f32 H W OUTDIR
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

async function main() {
  const [model, input, h, w, outdir] = process.argv.slice(2);
  const buf = fs.readFileSync(input);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const feeds = { input: new ort.Tensor('float32', data, [1, 3, +h, +w]) };
  const res = await sess.run(feeds);
  const index = {};
  for (const name of sess.outputNames) {
    const t = res[name];
    fs.writeFileSync(path.join(outdir, name + '.f32'), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    index[name] = t.dims;
  }
  fs.writeFileSync(path.join(outdir, 'index.json'), JSON.stringify(index));
}
main().catch((e) => { console.error(e); process.exit(1); });
