/*
 * FuncBase: the C base class of petrel.Func, whose calls from Python skip
 * Python code entirely for numeric signatures.
 *
 * Compiled into the cffi extension module (appended to the source
 * fastcall.py prints), so Python.h and petrel.h are already included and
 * petrel_py_widen/petrel_py_narrow are defined. petrel_py_fast_init adds
 * the type to the module; the Rust PyInit calls it.
 *
 * An instance holds the function's handle ({store_id, index}, written by
 * the _store_id and _index members) and, once set by _set_signature, the
 * kinds of its parameters and results. A call func(store, *args) whose
 * arguments are plain ints and floats that fit goes straight to
 * petrel_func_call_raw (the GIL released while wasm runs). Everything else
 * (the first call, before the signature is known; a wrong argument count;
 * a Val, an unsigned or out-of-range int, a reference, v128; a closed
 * store) calls the Python method _call, which raises the right exception
 * or converts the general way. The store's C pointer comes from its
 * _addr attribute (an int), read together with its _ptr (the cffi pointer
 * object, held during the call so the store cannot be freed under it).
 */

#include <structmember.h>

#define PETREL_FAST_MAX 16

typedef struct {
    PyObject_HEAD
    petrel_func_t handle;
    PyObject *c;        /* _c: the cffi petrel_func_t *, for the Python layer */
    PyObject *sigcall;  /* the signature's Python call function, once known */
    PyObject *weakrefs;
    vectorcallfunc vectorcall;
    int fast;           /* numeric signature within PETREL_FAST_MAX */
    int nparams;
    int nresults;
    uint8_t kinds[2 * PETREL_FAST_MAX];
} PetrelFuncObject;

static PyObject *petrel_py_s_ptr, *petrel_py_s_addr, *petrel_py_s_call, *petrel_py_raise;

/* Calls self._call(*args): the general path. */
static PyObject *pyfast_func_general(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    Py_ssize_t total = 1 + nargs + nkw;
    PyObject *small[PETREL_FAST_MAX + 2];
    PyObject **stack = small;
    if (total > PETREL_FAST_MAX + 2) {
        stack = PyMem_Malloc(sizeof(PyObject *) * (size_t)total);
        if (stack == NULL) return PyErr_NoMemory();
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < nargs + nkw; i++) stack[1 + i] = args[i];
    PyObject *r = PyObject_VectorcallMethod(petrel_py_s_call, stack, (size_t)(1 + nargs), kwnames);
    if (stack != small) PyMem_Free(stack);
    return r;
}

static PyObject *pyfast_func_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    PetrelFuncObject *self = (PetrelFuncObject *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (!self->fast || kwnames != NULL || nargs != self->nparams + 1) {
        return pyfast_func_general(callable, args, nargs, kwnames);
    }
    _Alignas(16) petrel_valraw_t v[PETREL_FAST_MAX];
    int slots = self->nparams > self->nresults ? self->nparams : self->nresults;
    if (slots == 0) slots = 1;
    memset(v, 0, sizeof(petrel_valraw_t) * (size_t)slots);
    for (int i = 0; i < self->nparams; i++) {
        PyObject *a = args[1 + i];
        switch (self->kinds[i]) {
        case PETREL_I32: {
            if (!PyLong_CheckExact(a)) goto general;
            int overflow;
            long long x = PyLong_AsLongLongAndOverflow(a, &overflow);
            if (overflow || x < INT32_MIN || x > (long long)UINT32_MAX) goto general;
            v[i].i32 = (int32_t)(uint32_t)x;
            break;
        }
        case PETREL_I64: {
            if (!PyLong_CheckExact(a)) goto general;
            int overflow;
            long long x = PyLong_AsLongLongAndOverflow(a, &overflow);
            if (overflow) goto general;
            v[i].i64 = (int64_t)x;
            break;
        }
        case PETREL_F32:
            if (!PyFloat_CheckExact(a)) goto general;
            v[i].f32 = petrel_py_narrow(PyFloat_AS_DOUBLE(a));
            break;
        case PETREL_F64:
            if (!PyFloat_CheckExact(a)) goto general;
            v[i].f64 = PyFloat_AS_DOUBLE(a);
            break;
        default:
            goto general;
        }
    }
    PyObject *store = args[0];
    /* A Store or Caller; anything else, or a closed one, takes the general
       path (which raises the right error). */
    PyObject *ptr = PyObject_GetAttr(store, petrel_py_s_ptr);
    if (ptr == NULL) {
        PyErr_Clear();
        goto general;
    }
    if (ptr == Py_None) {
        Py_DECREF(ptr);
        goto general;
    }
    PyObject *addr = PyObject_GetAttr(store, petrel_py_s_addr);
    if (addr == NULL || !PyLong_CheckExact(addr)) {
        PyErr_Clear();
        Py_XDECREF(addr);
        Py_DECREF(ptr);
        goto general;
    }
    petrel_store_t *sp = (petrel_store_t *)PyLong_AsVoidPtr(addr);
    Py_DECREF(addr);
    if (sp == NULL) {
        PyErr_Clear();
        Py_DECREF(ptr);
        goto general;
    }
    petrel_error_t *err;
    Py_BEGIN_ALLOW_THREADS
    err = petrel_func_call_raw(sp, &self->handle, v, (size_t)slots);
    Py_END_ALLOW_THREADS
    Py_DECREF(ptr);
    if (err != NULL) {
        /* Raises the error's exception (freeing the error). */
        PyObject *address = PyLong_FromVoidPtr(err);
        if (address == NULL) {
            petrel_error_delete(err);
            return NULL;
        }
        PyObject *r = PyObject_CallFunctionObjArgs(petrel_py_raise, store, address, NULL);
        Py_DECREF(address);
        Py_XDECREF(r);
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "petrel: call failed without an exception");
        return NULL;
    }
    if (self->nresults == 0) Py_RETURN_NONE;
    PyObject *out = self->nresults == 1 ? NULL : PyList_New(self->nresults);
    if (self->nresults > 1 && out == NULL) return NULL;
    for (int i = 0; i < self->nresults; i++) {
        PyObject *r;
        switch (self->kinds[PETREL_FAST_MAX + i]) {
        case PETREL_I32: r = PyLong_FromLong(v[i].i32); break;
        case PETREL_I64: r = PyLong_FromLongLong(v[i].i64); break;
        case PETREL_F32: r = PyFloat_FromDouble(petrel_py_widen(v[i].f32)); break;
        default: r = PyFloat_FromDouble(v[i].f64); break;
        }
        if (self->nresults == 1) return r;
        if (r == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, r);
    }
    return out;
general:
    return pyfast_func_general(callable, args, nargs, kwnames);
}

static PyObject *pyfast_func_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args;
    (void)kwds;
    PetrelFuncObject *self = (PetrelFuncObject *)type->tp_alloc(type, 0);
    if (self != NULL) self->vectorcall = pyfast_func_vectorcall;
    return (PyObject *)self;
}

static void pyfast_func_dealloc(PyObject *obj) {
    PetrelFuncObject *self = (PetrelFuncObject *)obj;
    PyTypeObject *type = Py_TYPE(obj);
    if (self->weakrefs != NULL) PyObject_ClearWeakRefs(obj);
    Py_CLEAR(self->c);
    Py_CLEAR(self->sigcall);
    type->tp_free(obj);
    Py_DECREF(type);
}

/* _set_signature(params: bytes, results: bytes, sigcall): the kinds of the
   parameters and results, and the Python function of the signature. */
static PyObject *pyfast_func_set_signature(PyObject *obj, PyObject *args) {
    PetrelFuncObject *self = (PetrelFuncObject *)obj;
    PyObject *p, *r, *sigcall;
    if (!PyArg_ParseTuple(args, "SSO", &p, &r, &sigcall)) return NULL;
    const char *params = PyBytes_AS_STRING(p), *results = PyBytes_AS_STRING(r);
    Py_ssize_t np = PyBytes_GET_SIZE(p), nr = PyBytes_GET_SIZE(r);
    int fast = np <= PETREL_FAST_MAX && nr <= PETREL_FAST_MAX;
    for (Py_ssize_t i = 0; fast && i < np + nr; i++) {
        uint8_t k = (uint8_t)(i < np ? params[i] : results[i - np]);
        fast = k == PETREL_I32 || k == PETREL_I64 || k == PETREL_F32 || k == PETREL_F64;
    }
    self->fast = 0;
    if (fast) {
        memcpy(self->kinds, params, (size_t)np);
        memcpy(self->kinds + PETREL_FAST_MAX, results, (size_t)nr);
        self->nparams = (int)np;
        self->nresults = (int)nr;
    }
    Py_INCREF(sigcall);
    Py_XSETREF(self->sigcall, sigcall);
    self->fast = fast;
    Py_RETURN_NONE;
}

static PyMethodDef pyfast_func_methods[] = {
    {"_set_signature", pyfast_func_set_signature, METH_VARARGS,
     "Records the signature (parameter and result kinds as bytes) and its Python call function."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef pyfast_func_members[] = {
    {"_store_id", T_ULONGLONG, offsetof(PetrelFuncObject, handle) + offsetof(petrel_func_t, store_id), 0,
     "The owning store's id."},
    {"_index", T_PYSSIZET, offsetof(PetrelFuncObject, handle) + offsetof(petrel_func_t, index), 0,
     "The index among the store's functions."},
    {"_c", T_OBJECT, offsetof(PetrelFuncObject, c), 0, "The handle as a cffi petrel_func_t *."},
    {"_sigcall", T_OBJECT, offsetof(PetrelFuncObject, sigcall), READONLY,
     "The signature's Python call function (None until the first call)."},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(PetrelFuncObject, weakrefs), READONLY, NULL},
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(PetrelFuncObject, vectorcall), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot pyfast_func_slots[] = {
    {Py_tp_doc, (void *)"The C base of petrel.Func: numeric calls without Python code."},
    {Py_tp_new, (void *)pyfast_func_new},
    {Py_tp_dealloc, (void *)pyfast_func_dealloc},
    {Py_tp_call, (void *)PyVectorcall_Call},
    {Py_tp_methods, pyfast_func_methods},
    {Py_tp_members, pyfast_func_members},
    {0, NULL},
};

static PyType_Spec pyfast_func_spec = {
    "petrel._petrel_cffi.FuncBase",
    sizeof(PetrelFuncObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_VECTORCALL,
    pyfast_func_slots,
};

/* set_raise(fn): the function called as fn(store, error_address) to raise
   a failed call's exception. */
static PyObject *petrel_py_set_raise(PyObject *module, PyObject *fn) {
    (void)module;
    Py_INCREF(fn);
    Py_XSETREF(petrel_py_raise, fn);
    Py_RETURN_NONE;
}

static PyMethodDef petrel_py_set_raise_def = {
    "_set_raise", petrel_py_set_raise, METH_O, "Sets the function that raises a failed call's exception."};

/* Adds FuncBase and _set_raise to the module (a new reference) and returns
   it; on failure drops it and returns NULL with the exception set. */
void *petrel_py_fast_init(void *m) {
    PyObject *module = (PyObject *)m;
    petrel_py_s_ptr = PyUnicode_InternFromString("_ptr");
    petrel_py_s_addr = PyUnicode_InternFromString("_addr");
    petrel_py_s_call = PyUnicode_InternFromString("_call");
    if (petrel_py_s_ptr == NULL || petrel_py_s_addr == NULL || petrel_py_s_call == NULL) goto fail;
    PyObject *type = PyType_FromSpec(&pyfast_func_spec);
    if (type == NULL) goto fail;
    if (PyModule_AddObject(module, "FuncBase", type) < 0) {
        Py_DECREF(type);
        goto fail;
    }
    PyObject *fn = PyCFunction_NewEx(&petrel_py_set_raise_def, NULL, NULL);
    if (fn == NULL) goto fail;
    if (PyModule_AddObject(module, "_set_raise", fn) < 0) {
        Py_DECREF(fn);
        goto fail;
    }
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
