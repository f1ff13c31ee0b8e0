// The reference StandardMerkleTree: npm @openzeppelin/merkle-tree, for tests/scripts/test_merkle.py.
// usage: node merkle_oracle.mjs < request.json
// request: {"leafEncoding": [...], "values": [[...], ...], "proofs": [i, ...], "multiproofs": [[i, ...], ...]}
// prints one JSON line: {"dump", "root", "proofs": [[...], ...], "multiproofs": [{leaves, proof, proofFlags}]}
import { readFileSync } from 'node:fs'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'

const request = JSON.parse(readFileSync(0, 'utf8'))
const tree = StandardMerkleTree.of(request.values, request.leafEncoding)
const reloaded = StandardMerkleTree.load(JSON.parse(JSON.stringify(tree.dump())))
console.log(JSON.stringify({
  dump: tree.dump(),
  root: reloaded.root,
  proofs: request.proofs.map(i => tree.getProof(i)),
  multiproofs: request.multiproofs.map(indices => tree.getMultiProof(indices)),
}))
