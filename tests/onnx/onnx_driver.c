/* ONNX backend conformance tests through clshuffle's public API: reads the
 * manifest written by onnx_manifest.py, runs each case's node chain on the
 * device and compares with ONNX's expected output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_driver.h"

/* Conv results differ from ONNX's (PyTorch/numpy) values by float rounding:
 * the kernel sums Cin/g*KH*KW products in its own order (up to 144 terms in
 * test_operator_conv), each partial sum rounded to f32, so the error is a few
 * ulps of the largest partial sum, not of the (possibly near-zero) result.
 * rel 1e-4 covers ~800 ulps of the result and abs 1e-5 covers results near
 * zero whose partial sums are O(1). Data movement is compared bit-exact. */
#define OX_CONV_REL 1e-4
#define OX_CONV_ABS 1e-5

/* ---- manifest ---------------------------------------------------------- */

static int parse_dtype(const char *s, cls_dtype *dt)
{
    static const char *names[] = {"u8",  "i8",  "u16", "i16", "f16", "bf16",
                                  "u32", "i32", "f32", "u64", "i64", "f64"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(s, names[i]) == 0) {
            *dt = (cls_dtype)i;
            return 0;
        }
    return -1;
}

static int parse_attr(char *tok, ox_attr *a)
{
    char *eq = strchr(tok, '=');
    if (!eq || eq - tok >= (long)sizeof a->key)
        return -1;
    memset(a, 0, sizeof *a);
    memcpy(a->key, tok, (size_t)(eq - tok));
    snprintf(a->text, sizeof a->text, "%s", eq + 1);
    if (strcmp(a->text, "-") == 0) { /* an empty ints list */
        a->text[0] = '\0';
        return 0;
    }
    char *p = eq + 1, *end;
    while (*p && a->nints < OX_MAX_INTS) {
        long long v = strtoll(p, &end, 10);
        if (end == p || (*end && *end != ','))
            return 0; /* a string attribute */
        a->ints[a->nints++] = v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Read one case (or an "unsupported" line) from f; 1 on a case, 0 at EOF, -1 on error. */
static int read_case(FILE *f, const unsigned char *blob, size_t blob_size, ox_case *c)
{
    char line[4096];
    memset(c, 0, sizeof *c);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *save = NULL, *kw = strtok_r(line, " ", &save);
        if (!kw || kw[0] == '#' || strcmp(kw, "blob") == 0)
            continue;
        if (strcmp(kw, "unsupported") == 0) {
            char *name = strtok_r(NULL, " ", &save);
            snprintf(c->name, sizeof c->name, "%s", name ? name : "?");
            snprintf(c->group, sizeof c->group, "(model)");
            snprintf(c->unsupported, sizeof c->unsupported, "%s", save ? save : "");
            return 1;
        } else if (strcmp(kw, "case") == 0) {
            char *name = strtok_r(NULL, " ", &save), *group = strtok_r(NULL, " ", &save);
            if (!name || !group)
                return -1;
            snprintf(c->name, sizeof c->name, "%s", name);
            snprintf(c->group, sizeof c->group, "%s", group);
        } else if (strcmp(kw, "step") == 0) {
            if (c->nsteps == OX_MAX_STEPS)
                return -1;
            ox_step *s = &c->steps[c->nsteps++];
            char *op = strtok_r(NULL, " ", &save);
            if (!op)
                return -1;
            snprintf(s->op, sizeof s->op, "%s", op);
            for (char *t; (t = strtok_r(NULL, " ", &save));)
                if (s->nattrs == OX_MAX_ATTRS || parse_attr(t, &s->attrs[s->nattrs++]))
                    return -1;
        } else if (strcmp(kw, "tensor") == 0) {
            if (c->ntensors == OX_MAX_TENSORS)
                return -1;
            ox_host *h = &c->tensors[c->ntensors++];
            char *role = strtok_r(NULL, " ", &save), *dt = strtok_r(NULL, " ", &save);
            char *nd = strtok_r(NULL, " ", &save);
            if (!role || !dt || !nd || parse_dtype(dt, &h->dtype))
                return -1;
            snprintf(h->role, sizeof h->role, "%s", role);
            h->ndim = atoi(nd);
            if (h->ndim < 0 || h->ndim > CLS_MAX_DIMS)
                return -1;
            for (int i = 0; i < h->ndim; i++) {
                char *t = strtok_r(NULL, " ", &save);
                if (!t)
                    return -1;
                h->dims[i] = strtoll(t, NULL, 10);
            }
            char *off = strtok_r(NULL, " ", &save), *nb = strtok_r(NULL, " ", &save);
            if (!off || !nb)
                return -1;
            size_t o = (size_t)strtoull(off, NULL, 10);
            h->nbytes = (size_t)strtoull(nb, NULL, 10);
            if (o > blob_size || h->nbytes > blob_size - o)
                return -1;
            h->data = blob + o;
        } else if (strcmp(kw, "end") == 0) {
            return 1;
        } else {
            return -1;
        }
    }
    return c->name[0] ? -1 : 0;
}

/* ---- helpers shared with the handlers ------------------------------------ */

const ox_attr *ox_attr_find(const ox_step *step, const char *key)
{
    for (int i = 0; i < step->nattrs; i++)
        if (strcmp(step->attrs[i].key, key) == 0)
            return &step->attrs[i];
    return NULL;
}

int64_t ox_attr_int(const ox_step *step, const char *key, int64_t dflt)
{
    const ox_attr *a = ox_attr_find(step, key);
    return a && a->nints == 1 ? a->ints[0] : dflt;
}

int ox_attr_list(const ox_step *step, const char *key, int n, int64_t dflt, int64_t *out)
{
    const ox_attr *a = ox_attr_find(step, key);
    if (a && a->nints != n)
        return -1;
    for (int i = 0; i < n; i++)
        out[i] = a ? a->ints[i] : dflt;
    return 0;
}

cls_tensor ox_value_tensor(const ox_value *v)
{
    return cls_tensor_contiguous(v->buf, 0, v->dtype, v->ndim, v->dims);
}

static size_t value_bytes(const ox_value *v)
{
    size_t n = cls_dtype_size(v->dtype);
    for (int i = 0; i < v->ndim; i++)
        n *= (size_t)v->dims[i];
    return n;
}

int ox_value_alloc(ox_env *env, ox_value *v)
{
    size_t n = value_bytes(v);
    cl_int err;
    v->buf = clCreateBuffer(env->cl, CL_MEM_READ_WRITE, n ? n : 1, NULL, &err);
    if (err != CL_SUCCESS) {
        snprintf(env->msg, env->msg_size, "clCreateBuffer(%zu): %d", n, err);
        return -1;
    }
    return 0;
}

ox_outcome ox_conv_plan_run(ox_env *env, const cls_conv_desc *desc, const ox_value *x,
                            const ox_host *w, const ox_host *b, ox_value *y)
{
    if (ox_value_alloc(env, y))
        return OX_FAIL;
    cls_conv_plan *plan = NULL;
    cls_status st = cls_conv_plan_create(env->ctx, desc, (const float *)w->data,
                                         b ? (const float *)b->data : NULL, &plan);
    if (st == CLS_OK) {
        cls_tensor src = ox_value_tensor(x), dst = ox_value_tensor(y);
        st = cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL);
        if (st == CLS_OK && clFinish(env->queue) != CL_SUCCESS)
            st = CLS_ERR_OPENCL;
    }
    if (st != CLS_OK)
        snprintf(env->msg, env->msg_size, "%s: %s: %s",
                 plan ? "cls_conv_plan_enqueue" : "cls_conv_plan_create", cls_status_string(st),
                 cls_last_error());
    cls_conv_plan_destroy(plan);
    return st == CLS_OK ? OX_PASS : OX_FAIL;
}

static ox_outcome api_fail(ox_env *env, const char *call, cls_status st)
{
    snprintf(env->msg, env->msg_size, "%s: %s: %s", call, cls_status_string(st), cls_last_error());
    return OX_FAIL;
}

/* ---- data movement steps -------------------------------------------------- */

static ox_outcome run_reshape(ox_env *env, const ox_step *step, ox_value *v)
{
    /* A view of the same packed buffer: ONNX Reshape with 0 = copy, -1 = infer. */
    const ox_attr *a = ox_attr_find(step, "shape");
    if (!a || a->nints < 1 || a->nints > CLS_MAX_DIMS) {
        snprintf(env->msg, env->msg_size, "Reshape: shape of %d dims", a ? a->nints : 0);
        return OX_UNSUPPORTED;
    }
    int64_t dims[CLS_MAX_DIMS], known = 1, numel = 1;
    int infer = -1;
    for (int i = 0; i < v->ndim; i++)
        numel *= v->dims[i];
    for (int i = 0; i < a->nints; i++) {
        dims[i] = a->ints[i] == 0 && i < v->ndim ? v->dims[i] : a->ints[i];
        if (dims[i] == -1)
            infer = i;
        else
            known *= dims[i];
    }
    if (infer >= 0)
        dims[infer] = known ? numel / known : 0;
    int64_t total = 1;
    for (int i = 0; i < a->nints; i++)
        total *= dims[i];
    if (total != numel) {
        snprintf(env->msg, env->msg_size, "Reshape: %lld elements into %lld", (long long)numel,
                 (long long)total);
        return OX_FAIL;
    }
    v->ndim = a->nints;
    memcpy(v->dims, dims, sizeof dims);
    return OX_PASS;
}

static ox_outcome run_transpose(ox_env *env, const ox_step *step, const ox_value *x, ox_value *y)
{
    int perm[CLS_MAX_DIMS];
    const ox_attr *a = ox_attr_find(step, "perm");
    if (a && a->nints != x->ndim) {
        snprintf(env->msg, env->msg_size, "Transpose: perm of %d for rank %d", a->nints, x->ndim);
        return OX_FAIL;
    }
    *y = *x;
    for (int i = 0; i < x->ndim; i++) {
        perm[i] = a ? (int)a->ints[i] : x->ndim - 1 - i; /* default: reverse the dims */
        if (perm[i] < 0 || perm[i] >= x->ndim) {
            snprintf(env->msg, env->msg_size, "Transpose: perm[%d] = %d", i, perm[i]);
            return OX_FAIL;
        }
        y->dims[i] = x->dims[perm[i]];
    }
    if (ox_value_alloc(env, y))
        return OX_FAIL;
    cls_tensor src = ox_value_tensor(x), dst = ox_value_tensor(y);
    cls_status st = cls_permute(env->ctx, &src, perm, &dst, 0, NULL, NULL);
    return st == CLS_OK ? OX_PASS : api_fail(env, "cls_permute", st);
}

static ox_outcome run_d2s(ox_env *env, const ox_step *step, int to_space, const ox_value *x,
                          ox_value *y)
{
    int64_t b = ox_attr_int(step, "blocksize", 0);
    const ox_attr *m = ox_attr_find(step, "mode");
    cls_d2s_mode mode = CLS_DCR; /* ONNX default; SpaceToDepth has no mode and is DCR's inverse */
    if (m && strcmp(m->text, "CRD") == 0)
        mode = CLS_CRD;
    else if (m && strcmp(m->text, "DCR") != 0) {
        snprintf(env->msg, env->msg_size, "mode %s", m->text);
        return OX_UNSUPPORTED;
    }
    if (x->ndim != 4 || b < 1) {
        snprintf(env->msg, env->msg_size, "rank %d, blocksize %lld", x->ndim, (long long)b);
        return OX_UNSUPPORTED;
    }
    *y = *x;
    if (to_space) {
        y->dims[1] = x->dims[1] / (b * b);
        y->dims[2] = x->dims[2] * b;
        y->dims[3] = x->dims[3] * b;
    } else {
        y->dims[1] = x->dims[1] * b * b;
        y->dims[2] = x->dims[2] / b;
        y->dims[3] = x->dims[3] / b;
    }
    if (ox_value_alloc(env, y))
        return OX_FAIL;
    cls_tensor src = ox_value_tensor(x), dst = ox_value_tensor(y);
    cls_status st =
        to_space ? cls_depth_to_space(env->ctx, &src, &dst, (int)b, (int)b, mode, 0, NULL, NULL)
                 : cls_space_to_depth(env->ctx, &src, &dst, (int)b, (int)b, mode, 0, NULL, NULL);
    return st == CLS_OK ? OX_PASS
                        : api_fail(env, to_space ? "cls_depth_to_space" : "cls_space_to_depth", st);
}

#ifndef CLS_ONNX_HAVE_CONVT
ox_outcome ox_run_convtranspose(ox_env *env, const ox_step *step, const ox_value *x,
                                const ox_host *w, const ox_host *b, ox_value *y)
{
    (void)step, (void)x, (void)w, (void)b, (void)y;
    snprintf(env->msg, env->msg_size,
             "API not present (cls_conv_desc has no transposed/output_padding fields)");
    return OX_SKIPPED;
}
#endif

/* ---- one case -------------------------------------------------------------- */

static const ox_host *find_host(const ox_case *c, const char *role)
{
    for (int i = 0; i < c->ntensors; i++)
        if (strcmp(c->tensors[i].role, role) == 0)
            return &c->tensors[i];
    return NULL;
}

static void release(ox_value *v)
{
    if (v->buf)
        clReleaseMemObject(v->buf);
    v->buf = NULL;
}

/* Compare the device result with the expected tensor: exact bytes, or the conv tolerance. */
static ox_outcome compare(ox_env *env, const ox_value *got, const ox_host *y, int arithmetic)
{
    if (got->dtype != y->dtype || got->ndim != y->ndim ||
        memcmp(got->dims, y->dims, sizeof(int64_t) * (size_t)y->ndim) != 0) {
        char a[96] = "", b[96] = "";
        for (int i = 0; i < got->ndim; i++)
            snprintf(a + strlen(a), sizeof a - strlen(a), "%s%lld", i ? "x" : "",
                     (long long)got->dims[i]);
        for (int i = 0; i < y->ndim; i++)
            snprintf(b + strlen(b), sizeof b - strlen(b), "%s%lld", i ? "x" : "",
                     (long long)y->dims[i]);
        snprintf(env->msg, env->msg_size, "result %s %s, expected %s %s",
                 cls_dtype_name(got->dtype), a, cls_dtype_name(y->dtype), b);
        return OX_FAIL;
    }
    size_t n = y->nbytes;
    unsigned char *host = malloc(n ? n : 1);
    if (!host || clEnqueueReadBuffer(env->queue, got->buf, CL_TRUE, 0, n, host, 0, NULL, NULL)) {
        free(host);
        snprintf(env->msg, env->msg_size, "read back failed");
        return OX_FAIL;
    }
    ox_outcome out = OX_PASS;
    if (!arithmetic || y->dtype != CLS_F32) {
        for (size_t i = 0; i < n; i++)
            if (host[i] != ((const unsigned char *)y->data)[i]) {
                size_t es = cls_dtype_size(y->dtype);
                snprintf(env->msg, env->msg_size, "element %zu differs (bit-exact compare)",
                         i / es);
                out = OX_FAIL;
                break;
            }
    } else {
        const float *g = (const float *)host, *e = (const float *)y->data;
        size_t count = n / sizeof(float), bad = 0, first = 0;
        double max_err = 0;
        for (size_t i = 0; i < count; i++) {
            double d = fabs((double)g[i] - (double)e[i]);
            if (!(d <= OX_CONV_ABS + OX_CONV_REL * fabs((double)e[i]))) {
                if (!bad++)
                    first = i;
            }
            if (d > max_err || d != d)
                max_err = d;
        }
        if (bad) {
            snprintf(env->msg, env->msg_size,
                     "%zu of %zu outside rel %g abs %g; first [%zu] %.8g vs %.8g; max err %.3g",
                     bad, count, OX_CONV_REL, OX_CONV_ABS, first, g[first], e[first], max_err);
            out = OX_FAIL;
        } else {
            snprintf(env->msg, env->msg_size, "max abs err %.3g", max_err);
        }
    }
    free(host);
    return out;
}

static ox_outcome run_case(ox_env *env, const ox_case *c)
{
    if (c->unsupported[0]) {
        snprintf(env->msg, env->msg_size, "%s", c->unsupported);
        return OX_UNSUPPORTED;
    }
    const ox_host *x = find_host(c, "x"), *y = find_host(c, "y");
    const ox_host *w = find_host(c, "w"), *b = find_host(c, "b");
    if (!x || !y || c->nsteps == 0) {
        snprintf(env->msg, env->msg_size, "malformed case");
        return OX_FAIL;
    }
    ox_value cur = {.dtype = x->dtype, .ndim = x->ndim};
    memcpy(cur.dims, x->dims, sizeof cur.dims);
    if (ox_value_alloc(env, &cur))
        return OX_FAIL;
    if (x->nbytes && clEnqueueWriteBuffer(env->queue, cur.buf, CL_TRUE, 0, x->nbytes, x->data, 0,
                                          NULL, NULL) != CL_SUCCESS) {
        release(&cur);
        snprintf(env->msg, env->msg_size, "write failed");
        return OX_FAIL;
    }
    ox_outcome out = OX_PASS;
    int arithmetic = 0;
    for (int i = 0; i < c->nsteps && out == OX_PASS; i++) {
        const ox_step *s = &c->steps[i];
        ox_value next = {0};
        if (strcmp(s->op, "Reshape") == 0) {
            out = run_reshape(env, s, &cur);
            continue;
        } else if (strcmp(s->op, "Transpose") == 0) {
            out = run_transpose(env, s, &cur, &next);
        } else if (strcmp(s->op, "DepthToSpace") == 0) {
            out = run_d2s(env, s, 1, &cur, &next);
        } else if (strcmp(s->op, "SpaceToDepth") == 0) {
            out = run_d2s(env, s, 0, &cur, &next);
        } else if (strcmp(s->op, "Conv") == 0) {
            out = ox_run_conv(env, s, &cur, w, b, &next);
            arithmetic = 1;
        } else if (strcmp(s->op, "ConvTranspose") == 0) {
            out = ox_run_convtranspose(env, s, &cur, w, b, &next);
            arithmetic = 1;
        } else {
            snprintf(env->msg, env->msg_size, "op %s", s->op);
            out = OX_UNSUPPORTED;
        }
        release(&cur);
        cur = next;
    }
    if (out == OX_PASS && clFinish(env->queue) != CL_SUCCESS) {
        snprintf(env->msg, env->msg_size, "clFinish failed");
        out = OX_FAIL;
    }
    if (out == OX_PASS)
        out = compare(env, &cur, y, arithmetic);
    release(&cur);
    return out;
}

/* ---- main ------------------------------------------------------------------ */

#define OX_MAX_GROUPS 32
static const char *outcome_names[] = {"passed", "failed", "unsupported", "skipped"};

static unsigned char *read_blob(const char *manifest_path, FILE *f, size_t *size)
{
    char line[4096], path[4096];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "blob %4095s", path) == 1)
            break;
    rewind(f);
    FILE *b = fopen(path, "rb");
    if (!b) {
        fprintf(stderr, "onnx: cannot open the blob named in %s\n", manifest_path);
        return NULL;
    }
    fseek(b, 0, SEEK_END);
    long n = ftell(b);
    fseek(b, 0, SEEK_SET);
    unsigned char *data = malloc(n > 0 ? (size_t)n : 1);
    if (data && n > 0 && fread(data, 1, (size_t)n, b) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(b);
    *size = n > 0 ? (size_t)n : 0;
    return data;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--skip") == 0) {
        printf("onnx: SKIP: %s\n", argv[2]);
        return 77;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s MANIFEST | --skip REASON\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "onnx: cannot open %s\n", argv[1]);
        return 1;
    }
    size_t blob_size = 0;
    unsigned char *blob = read_blob(argv[1], f, &blob_size);
    if (!blob)
        return 1;

    char msg[512];
    ox_env env = {.msg = msg, .msg_size = sizeof msg};
    cls_status st = cls_context_create(&env.ctx, NULL);
    if (st != CLS_OK) {
        fprintf(stderr, "onnx: cls_context_create: %s: %s\n", cls_status_string(st),
                cls_last_error());
        return 1;
    }
    cls_context_get_cl(env.ctx, &env.cl, NULL, &env.queue);

    char groups[OX_MAX_GROUPS][96];
    int counts[OX_MAX_GROUPS][4] = {{0}}, total[4] = {0}, ngroups = 0, rc, ncases = 0;
    static ox_case c;
    while ((rc = read_case(f, blob, blob_size, &c)) == 1) {
        msg[0] = '\0';
        ox_outcome out = run_case(&env, &c);
        printf("%-58s %-26s %s%s%s\n", c.name, c.group, outcome_names[out], msg[0] ? ": " : "",
               msg);
        int g = 0;
        while (g < ngroups && strcmp(groups[g], c.group) != 0)
            g++;
        if (g == ngroups && ngroups < OX_MAX_GROUPS)
            snprintf(groups[ngroups++], sizeof groups[0], "%s", c.group);
        if (g < ngroups)
            counts[g][out]++;
        total[out]++;
        ncases++;
    }
    fclose(f);
    cls_context_destroy(env.ctx);
    free(blob);
    if (rc < 0) {
        fprintf(stderr, "onnx: malformed manifest %s after %d cases\n", argv[1], ncases);
        return 1;
    }
    for (int g = 0; g < ngroups; g++)
        printf("onnx[%s]: %d passed, %d failed, %d unsupported, %d skipped\n", groups[g],
               counts[g][0], counts[g][1], counts[g][2], counts[g][3]);
    printf("onnx: %d passed, %d failed, %d unsupported, %d skipped (API not present)\n", total[0],
           total[1], total[2], total[3]);
    return total[OX_FAIL] || ncases == 0 ? 1 : 0;
}
