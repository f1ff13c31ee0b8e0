// CID oracle: prints the root CID that ipfs-unixfs-importer computes for a file or a folder,
// with the options that make it behave like kubo's `ipfs add` (fixed 262144-byte chunks,
// balanced layout of at most 174 links, CIDv0 with dag-pb leaves or CIDv1 with raw leaves).
//
// usage: node unixfs_cid.mjs --cid-version 0|1 [--chunk-size N] [--max-links N] PATH...
// prints one JSON line per PATH: {"cid": "...", "seconds": <import time, without start-up>}
// (--chunk-size and --max-links exist so tests can build deep trees from small inputs).
// A folder is imported as `ipfs add -r` sees it: hidden entries skipped, symlinks stored as
// symlinks. Blocks go to a store that drops them, as with `ipfs add --only-hash`.
import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join, basename } from 'node:path'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { UnixFS } from 'ipfs-unixfs'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const args = process.argv.slice(2)
const paths = []
const flags = { '--cid-version': 0, '--chunk-size': 262144, '--max-links': 174 }
for (let i = 0; i < args.length; i++) {
  if (args[i] in flags) flags[args[i]] = Number(args[++i])
  else paths.push(args[i])
}
const cidVersion = flags['--cid-version']

const discard = {
  async put (cid) { return cid },
  async has () { return false },
  async * putMany (source) { for await (const { cid } of source) yield cid }
}

const symlinks = new Map()  // path inside the import -> target

async function * entries (root, prefix) {
  const info = await lstat(root)
  if (info.isSymbolicLink()) {
    // The importer has no symlink input; record one placeholder file we patch below.
    symlinks.set(prefix, await readlink(root))
    yield { path: prefix, content: new Uint8Array(0) }
  } else if (info.isDirectory()) {
    const names = (await readdir(root)).filter(name => !name.startsWith('.')).sort()
    yield { path: prefix }
    for (const name of names) yield * entries(join(root, name), `${prefix}/${name}`)
  } else {
    yield { path: prefix, content: createReadStream(root, { highWaterMark: 262144 }) }
  }
}

const options = {
  cidVersion,
  rawLeaves: cidVersion === 1,
  chunker: fixedSize({ chunkSize: flags['--chunk-size'] }),
  layout: balanced({ maxChildrenPerNode: flags['--max-links'] }),
  reduceSingleLeafToSelf: true,
  wrapWithDirectory: false,
  leafType: 'file',
  shardSplitThresholdBytes: 262144,
  // A symlink entry becomes a UnixFS symlink node, the way kubo stores it.
  fileBuilder: async (file, blockstore, opts) => {
    const target = symlinks.get(file.path)
    if (target === undefined) {
      const fileJs = new URL('./dag-builder/file.js', import.meta.resolve('ipfs-unixfs-importer'))
      const { defaultFileBuilder } = await import(fileJs)
      return defaultFileBuilder(file, blockstore, opts)
    }
    const unixfs = new UnixFS({ type: 'symlink', data: new TextEncoder().encode(target) })
    const block = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal(), Links: [] }))
    const cid = CID.create(cidVersion, dagPb.code, await sha256.digest(block))
    return { cid, path: file.path, unixfs, size: BigInt(block.length), originalPath: file.originalPath }
  }
}

for (const path of paths) {
  symlinks.clear()
  const started = process.hrtime.bigint()
  let last
  for await (const entry of importer(entries(path, basename(path)), discard, options)) last = entry
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  console.log(JSON.stringify({ cid: last.cid.toString(), seconds }))
}
