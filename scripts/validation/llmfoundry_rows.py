#!/usr/bin/env python3
"""Writes scenarios/validation/llmfoundry-mpt/ from ../shared/validation/llmfoundry_mfu.csv (the transcription of
mosaicml/llm-foundry scripts/train/benchmarking/README.md @ 8c8dd48f7216).

One scenario per row of the H100 80GB and A100 80GB tables. The configuration comes from the row and from the
benchmark's own scripts at the commits that produced the tables (see the suite's SOURCE.md); nothing is tuned per
row. Run from the repository root:  python3 scripts/validation/llmfoundry_rows.py [path/to/llmfoundry_mfu.csv]
"""
import csv
import json
import os
import sys

# MPT shapes (llm-foundry scripts/train/yamls/pretrain/mpt-*.yaml): layers, d_model, heads; expansion ratio 4,
# vocabulary 50368, tied embeddings, learned position embeddings (the published parameter counts grow by
# seq_len x d_model with the sequence).
MPT = {'125m': (12, 768, 12), '350m': (24, 1024, 16), '760m': (24, 1536, 12), '1b': (24, 2048, 16),
       '3b': (32, 2560, 20), '7b': (32, 4096, 32), '13b': (40, 5120, 40), '30b': (48, 7168, 56),
       '70b': (80, 8192, 64)}
VOCAB = 50368
GPUS = {'H100 80GB': 'h100-sxm5-80gb', 'A100 80GB': 'a100-sxm4-80gb'}
OUT = 'scenarios/validation/llmfoundry-mpt'


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else '../shared/validation/llmfoundry_mfu.csv'
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith('.json'):
            os.remove(os.path.join(OUT, name))
    n = 0
    for r in csv.DictReader(open(src)):
        if r['gpu'] not in GPUS:
            continue
        layers, hidden, heads = MPT[r['model']]
        seq = int(r['seq_len'])
        params = layers * 12 * hidden * hidden + (VOCAB + seq) * hidden
        if abs(params - int(r['num_params'])) > 0.003 * params:
            sys.exit(f"{r['model']}: {params} parameters from the shapes, {r['num_params']} published")
        gpus, gbs, mbs = int(r['gpus']), int(r['global_batch']), int(r['micro_batch'])
        tokens_per_s = float(r['tokens_per_s_total'])
        step_s = gbs * seq / tokens_per_s
        precision = 'fp8' if 'fp8' in r['precision'] else 'bf16'
        ac = r['activation_checkpointing'] == 'True'
        n += 1
        gpu_short = r['gpu'].split()[0].lower()
        stem = f"r{n:03d}-{gpu_short}-{precision}-mpt-{r['model']}-{gpus}-s{seq}-mb{mbs}"
        label = f"{r['gpu'].split()[0]} {r['model']} {gpus}x s{seq} mb{mbs} {precision}{' AC' if ac else ''}"
        scenario = {
            'schema': 'capsim/scenario/v1',
            'name': 'llmfoundry-' + stem,
            'description': (f"llm-foundry benchmark table '{r['section']}': MPT-{r['model']} on {gpus} {r['gpu']}, "
                            f"{r['precision']} ({r['mp_mode']} FSDP mixed precision), FSDP {r['sharding_strategy']}, "
                            f"seq {seq}, micro-batch {mbs} x {r['grad_accum']} accumulation, global batch {gbs}, "
                            f"activation checkpointing {r['activation_checkpointing']}, attn_impl triton"),
            'cluster': {'gpu': GPUS[r['gpu']], 'nodes': max(1, gpus // 8), 'gpus_per_node': min(8, gpus)},
            'workloads': [{
                'name': 'pretrain',
                'kind': 'training',
                'model': {'name': 'mpt-' + r['model'], 'layers': layers, 'hidden': hidden, 'ffn_hidden': 4 * hidden,
                          'heads': heads, 'vocab': VOCAB, 'gated_mlp': False, 'tied_embeddings': True,
                          'seq_len': seq},
                'parallelism': {'tp': 1, 'pp': 1, 'cp': 1, 'dp': gpus, 'micro_batch': mbs, 'global_batch': gbs,
                                'recompute': 'full' if ac else 'none', 'zero': 3},
                'software': {'attention': 'triton'},
                'precision': precision,
            }],
            'validation': {
                'metric': 'step_time_s',
                'workload': 'pretrain',
                'measured': round(step_s, 4),
                'source': (f"{r['source']} (table '{r['section']}', {r['table_date']}): {r['tokens_per_s_total']} "
                           f"tokens/s over {gpus} GPUs; step = seq x global batch / tokens/s"),
                'label': label,
            },
        }
        with open(os.path.join(OUT, stem + '.json'), 'w') as f:
            json.dump(scenario, f, indent=2)
            f.write('\n')
    print(f'{n} rows written to {OUT}')


if __name__ == '__main__':
    main()
