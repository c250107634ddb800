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
 *
 * Limited API: the module is compiled with Py_LIMITED_API = 3.9 (build.rs),
 * so one binary (the cp39-abi3 wheel) loads into every CPython from 3.9.
 * This file therefore uses only functions of the 3.9 stable ABI: no
 * macros that read object internals (PyTuple_GET_SIZE, PyFloat_AS_DOUBLE,
 * ...), no direct type slots (PyType_GetSlot instead).
 *
 * Calls come in two ways:
 * - tp_call (every version): the interpreter packs the arguments in a
 *   tuple. On 3.9 to 3.11 that is what a call of a Func costs anyway, even
 *   with vectorcall on the base: those versions do not pass vectorcall on
 *   to a class defined in Python (Func), so the interpreter called
 *   tp_call, then PyVectorcall_Call.
 * - vectorcall, only when the running interpreter is 3.12 or newer, where
 *   the vectorcall protocol is part of the stable ABI (and subclasses that
 *   do not define __call__ inherit it). The 3.9 headers do not declare it,
 *   so the few names it needs are spelled out below with the values the
 *   3.12 stable ABI fixes; no function outside the 3.9 stable ABI is
 *   referenced, so the library still loads on 3.9.
 */

#include <structmember.h>

#define PETREL_FAST_MAX 16

/* The vectorcall protocol of the 3.12 stable ABI (Include/cpython/object.h,
   Include/object.h, Include/abstract.h). */
typedef PyObject *(*petrel_vectorcallfunc)(PyObject *callable, PyObject *const *args, size_t nargsf,
                                           PyObject *kwnames);
#define PETREL_TPFLAGS_HAVE_VECTORCALL (1UL << 11)
#define PETREL_VECTORCALL_ARGUMENTS_OFFSET ((size_t)1 << (8 * sizeof(size_t) - 1))

typedef struct {
    PyObject_HEAD
    petrel_func_t handle;
    PyObject *c;        /* _c: the cffi petrel_func_t *, for the Python layer */
    PyObject *sigcall;  /* the signature's Python call function, once known */
    PyObject *weakrefs;
    petrel_vectorcallfunc vectorcall; /* read by 3.12+ (__vectorcalloffset__) */
    int fast;           /* numeric signature within PETREL_FAST_MAX */
    int nparams;
    int nresults;
    uint8_t kinds[2 * PETREL_FAST_MAX];
} PetrelFuncObject;

static PyObject *petrel_py_s_ptr, *petrel_py_s_addr, *petrel_py_s_call, *petrel_py_raise;

/* Calls self._call(*args, **kwargs): the general path. */
static PyObject *pyfast_func_general(PyObject *self, PyObject *args, PyObject *kwargs) {
    PyObject *call = PyObject_GetAttr(self, petrel_py_s_call);
    if (call == NULL) return NULL;
    PyObject *r = PyObject_Call(call, args, kwargs);
    Py_DECREF(call);
    return r;
}

/* The numeric call: args[0] is the store, args[1..nparams] the arguments
   (self->fast set, their count checked). Sets *general and returns NULL,
   with no exception set, when the call has to take the general path. */
static PyObject *pyfast_func_fast(PetrelFuncObject *self, PyObject *const *args, int *general) {
    *general = 0;
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
            v[i].f32 = petrel_py_narrow(PyFloat_AsDouble(a));
            break;
        case PETREL_F64:
            if (!PyFloat_CheckExact(a)) goto general;
            v[i].f64 = PyFloat_AsDouble(a);
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
        if (r == NULL || PyList_SetItem(out, i, r) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
general:
    *general = 1;
    return NULL;
}

/* tp_call: the arguments in a tuple (every version). */
static PyObject *pyfast_func_call(PyObject *callable, PyObject *args, PyObject *kwargs) {
    PetrelFuncObject *self = (PetrelFuncObject *)callable;
    if (self->fast && (kwargs == NULL || PyDict_Size(kwargs) == 0) && PyTuple_Size(args) == self->nparams + 1) {
        PyObject *items[PETREL_FAST_MAX + 1];
        for (int i = 0; i <= self->nparams; i++) items[i] = PyTuple_GetItem(args, i);
        int general;
        PyObject *r = pyfast_func_fast(self, items, &general);
        if (!general) return r;
    }
    return pyfast_func_general(callable, args, kwargs);
}

/* vectorcall (3.12 and newer only): the arguments in an array. */
static PyObject *pyfast_func_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    PetrelFuncObject *self = (PetrelFuncObject *)callable;
    Py_ssize_t nargs = (Py_ssize_t)(nargsf & ~PETREL_VECTORCALL_ARGUMENTS_OFFSET);
    if (self->fast && kwnames == NULL && nargs == self->nparams + 1) {
        int general;
        PyObject *r = pyfast_func_fast(self, args, &general);
        if (!general) return r;
    }
    /* The general path takes a tuple and a dict, as tp_call does. */
    PyObject *tuple = PyTuple_New(nargs);
    if (tuple == NULL) return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SetItem(tuple, i, args[i]);
    }
    PyObject *kwargs = NULL;
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_Size(kwnames);
    if (nkw > 0) {
        kwargs = PyDict_New();
        if (kwargs == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < nkw; i++) {
            if (PyDict_SetItem(kwargs, PyTuple_GetItem(kwnames, i), args[nargs + i]) < 0) {
                Py_DECREF(kwargs);
                Py_DECREF(tuple);
                return NULL;
            }
        }
    }
    PyObject *r = pyfast_func_general(callable, tuple, kwargs);
    Py_XDECREF(kwargs);
    Py_DECREF(tuple);
    return r;
}

static PyObject *pyfast_func_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args;
    (void)kwds;
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    PetrelFuncObject *self = (PetrelFuncObject *)alloc(type, 0);
    if (self != NULL) self->vectorcall = pyfast_func_vectorcall;
    return (PyObject *)self;
}

static void pyfast_func_dealloc(PyObject *obj) {
    PetrelFuncObject *self = (PetrelFuncObject *)obj;
    PyTypeObject *type = Py_TYPE(obj);
    if (self->weakrefs != NULL) PyObject_ClearWeakRefs(obj);
    Py_CLEAR(self->c);
    Py_CLEAR(self->sigcall);
    freefunc free_slot = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_slot(obj);
    Py_DECREF(type);
}

/* _set_signature(params: bytes, results: bytes, sigcall): the kinds of the
   parameters and results, and the Python function of the signature. */
static PyObject *pyfast_func_set_signature(PyObject *obj, PyObject *args) {
    PetrelFuncObject *self = (PetrelFuncObject *)obj;
    PyObject *p, *r, *sigcall;
    if (!PyArg_ParseTuple(args, "SSO", &p, &r, &sigcall)) return NULL;
    const char *params = PyBytes_AsString(p), *results = PyBytes_AsString(r);
    if (params == NULL || results == NULL) return NULL;
    Py_ssize_t np = PyBytes_Size(p), nr = PyBytes_Size(r);
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
    PyObject *old = self->sigcall;
    Py_INCREF(sigcall);
    self->sigcall = sigcall;
    Py_XDECREF(old);
    self->fast = fast;
    Py_RETURN_NONE;
}

static PyMethodDef pyfast_func_methods[] = {
    {"_set_signature", pyfast_func_set_signature, METH_VARARGS,
     "Records the signature (parameter and result kinds as bytes) and its Python call function."},
    {NULL, NULL, 0, NULL},
};

#define PETREL_FUNC_MEMBERS                                                                                   \
    {"_store_id", T_ULONGLONG, offsetof(PetrelFuncObject, handle) + offsetof(petrel_func_t, store_id), 0,     \
     "The owning store's id."},                                                                               \
    {"_index", T_PYSSIZET, offsetof(PetrelFuncObject, handle) + offsetof(petrel_func_t, index), 0,             \
     "The index among the store's functions."},                                                               \
    {"_c", T_OBJECT, offsetof(PetrelFuncObject, c), 0, "The handle as a cffi petrel_func_t *."},               \
    {"_sigcall", T_OBJECT, offsetof(PetrelFuncObject, sigcall), READONLY,                                      \
     "The signature's Python call function (None until the first call)."},                                    \
    {"__weaklistoffset__", T_PYSSIZET, offsetof(PetrelFuncObject, weakrefs), READONLY, NULL}

/* 3.9 to 3.11: tp_call only. */
static PyMemberDef pyfast_func_members[] = {
    PETREL_FUNC_MEMBERS,
    {NULL, 0, 0, 0, NULL},
};

/* 3.12 and newer: tp_call and vectorcall. */
static PyMemberDef pyfast_func_members_vectorcall[] = {
    PETREL_FUNC_MEMBERS,
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(PetrelFuncObject, vectorcall), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot pyfast_func_slots[] = {
    {Py_tp_doc, (void *)"The C base of petrel.Func: numeric calls without Python code."},
    {Py_tp_new, (void *)pyfast_func_new},
    {Py_tp_dealloc, (void *)pyfast_func_dealloc},
    {Py_tp_call, (void *)pyfast_func_call},
    {Py_tp_methods, pyfast_func_methods},
    {Py_tp_members, pyfast_func_members}, /* pyfast_func_members_vectorcall on 3.12+ */
    {0, NULL},
};

static PyType_Spec pyfast_func_spec = {
    "petrel._petrel_cffi.FuncBase",
    sizeof(PetrelFuncObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, /* | PETREL_TPFLAGS_HAVE_VECTORCALL on 3.12+ */
    pyfast_func_slots,
};

/* set_raise(fn): the function called as fn(store, error_address) to raise
   a failed call's exception. */
static PyObject *petrel_py_set_raise(PyObject *module, PyObject *fn) {
    (void)module;
    PyObject *old = petrel_py_raise;
    Py_INCREF(fn);
    petrel_py_raise = fn;
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyMethodDef petrel_py_set_raise_def = {
    "_set_raise", petrel_py_set_raise, METH_O, "Sets the function that raises a failed call's exception."};

/* The running interpreter's sys.hexversion (0 when unknown). */
static long petrel_py_hexversion(void) {
    PyObject *v = PySys_GetObject("hexversion"); /* borrowed */
    if (v == NULL || !PyLong_Check(v)) return 0;
    long x = PyLong_AsLong(v);
    if (x == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return x;
}

/* Adds FuncBase and _set_raise to the module (a new reference) and returns
   it; on failure drops it and returns NULL with the exception set. */
void *petrel_py_fast_init(void *m) {
    PyObject *module = (PyObject *)m;
    petrel_py_s_ptr = PyUnicode_InternFromString("_ptr");
    petrel_py_s_addr = PyUnicode_InternFromString("_addr");
    petrel_py_s_call = PyUnicode_InternFromString("_call");
    if (petrel_py_s_ptr == NULL || petrel_py_s_addr == NULL || petrel_py_s_call == NULL) goto fail;
    if (petrel_py_hexversion() >= 0x030C0000) {
        for (PyType_Slot *s = pyfast_func_slots; s->slot != 0; s++) {
            if (s->slot == Py_tp_members) s->pfunc = (void *)pyfast_func_members_vectorcall;
        }
        pyfast_func_spec.flags |= PETREL_TPFLAGS_HAVE_VECTORCALL;
    }
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
