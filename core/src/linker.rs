//! The linker: resolves a module's imports by name from host items and
//! previously registered instances, then instantiates.
//!
//! [`Linker::instantiate_pre`] does the name resolution once and returns an
//! [`InstancePre`] that instantiates the module in any number of stores.
//! [`Linker::module`] registers a module the way Wasmtime does for WASI
//! programs: a *reactor* (a module without `_start`) is instantiated once,
//! its `_initialize` run, and its exports defined; a *command* (a module
//! exporting `_start`) gets a fresh instance for every call of one of its
//! exported functions.

use crate::Engine;
use crate::externals::{Extern, Global, Memory, Table};
use crate::func::{Caller, Func, IntoFunc};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{AsContext, AsContextMut};
use crate::types::{ExternType, FuncType, ValType};
use crate::values::{Ref, Val};
use crate::vm::HostFn;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A definition the linker holds: an item of a store, or a host function
/// not yet placed in any store.
#[derive(Clone)]
enum Definition {
    Extern(Extern),
    HostFunc(Arc<HostFuncDef>),
}

/// A host function a linker places in every store that uses it.
struct HostFuncDef {
    /// The function's type.
    ty: FuncType,
    /// The closure, shared by every store's copy (as one closure defined
    /// once, it is called from whichever store instantiated it).
    host: Arc<HostFn>,
    /// The signature id and wasm-to-host trampoline every copy shares,
    /// found on first use (two engine-wide lookups that instantiation then
    /// skips), with the engine they belong to.
    prepared: OnceLock<(Engine, crate::func::PreparedHostFunc)>,
}

impl HostFuncDef {
    fn definition(ty: FuncType, host: Arc<HostFn>) -> Definition {
        Definition::HostFunc(Arc::new(HostFuncDef {
            ty,
            host,
            prepared: OnceLock::new(),
        }))
    }
}

/// Resolves imports by `(module, name)`.
pub struct Linker<T> {
    engine: Engine,
    /// Definitions by module name, then item name (looked up by `&str`,
    /// without building a key).
    map: HashMap<String, HashMap<String, Definition>>,
    allow_shadowing: bool,
    _marker: std::marker::PhantomData<fn(T)>,
}

impl<T: 'static> Linker<T> {
    /// Creates an empty linker for `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            map: HashMap::new(),
            allow_shadowing: false,
            _marker: std::marker::PhantomData,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same
    /// name (off by default: redefinition is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<()> {
        if !self.allow_shadowing && self.lookup(module, name).is_some() {
            bail!("`{module}::{name}` is already defined");
        }
        self.map
            .entry(module.to_string())
            .or_default()
            .insert(name.to_string(), def);
        Ok(())
    }

    fn lookup(&self, module: &str, name: &str) -> Option<&Definition> {
        self.map.get(module)?.get(name)
    }

    /// Defines `module::name` as an item of `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let item = item.into();
        item.ty(&store)?;
        self.insert(module, name, Definition::Extern(item))?;
        Ok(self)
    }

    /// Defines a host function of type `ty` (placed in a store when a
    /// module importing it is instantiated).
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let host = crate::func::untyped_host_fn::<T>(ty.clone(), f);
        self.insert(module, name, HostFuncDef::definition(ty, host))?;
        Ok(self)
    }

    /// Defines a typed host function (see [`Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, host) = f.into_host_fn();
        self.insert(module, name, HostFuncDef::definition(ty, host))?;
        Ok(self)
    }

    /// Defines every export of `instance` under `module_name`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        instance.module(store.as_context())?;
        for (name, item) in instance.exports(&mut store) {
            self.insert(module_name, &name, Definition::Extern(item))?;
        }
        Ok(self)
    }

    /// Defines the exports of `module` under `module_name`, as Wasmtime
    /// does for WASI commands and reactors.
    ///
    /// A reactor (a module that does not export `_start`) is instantiated
    /// in `store` now, its `_initialize` export (when present, a function
    /// of no parameters and results) is called, and its exports are
    /// defined. A command (a module exporting `_start`) is not
    /// instantiated now: each of its exported functions is defined as a
    /// function of `store` that instantiates the module afresh, with the
    /// imports this linker resolves now, and calls that instance's export;
    /// a command may also export `memory`, `table`,
    /// `__indirect_function_table` and a few toolchain globals, which are
    /// not defined.
    ///
    /// # Errors
    /// A module exporting both `_start` and `_initialize` (or either as
    /// something other than a function), a command exporting anything else,
    /// an unresolved import, instantiation's errors, a trap or error of
    /// `_initialize`, or a name already defined.
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        module: &Module,
    ) -> Result<&mut Self> {
        let start = module.get_export("_start");
        let initialize = module.get_export("_initialize");
        let is_func = |t: &Option<ExternType>| matches!(t, Some(ExternType::Func(_)));
        match (&start, &initialize) {
            (Some(_), Some(_)) => bail!("Program cannot be both a Command and a Reactor"),
            (Some(_), None) if !is_func(&start) => bail!("`_start` must be a function"),
            (None, Some(_)) if !is_func(&initialize) => bail!("`_initialize` must be a function"),
            (Some(_), None) => self.command(store, module_name, module),
            _ => {
                let instance = self.instantiate(&mut store, module)?;
                if let Some(Extern::Func(init)) = instance.get_export(&mut store, "_initialize") {
                    let ty = init.ty(&store)?;
                    if !ty.params().is_empty() || !ty.results().is_empty() {
                        bail!("`_initialize` must take and return nothing");
                    }
                    init.call(&mut store, &[], &mut [])
                        .context("calling the Reactor initialization function")?;
                }
                self.instance(store, module_name, instance)
            }
        }
    }

    fn command(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        module: &Module,
    ) -> Result<&mut Self> {
        /// Whether an export's type is the one a toolchain export has.
        type IsKind = fn(&ExternType) -> bool;
        const ALLOWED: [(&str, IsKind); 7] = [
            ("memory", |t| matches!(t, ExternType::Memory(_))),
            ("__indirect_function_table", |t| {
                matches!(t, ExternType::Table(_))
            }),
            ("table", |t| matches!(t, ExternType::Table(_))),
            ("__data_end", |t| matches!(t, ExternType::Global(_))),
            ("__heap_base", |t| matches!(t, ExternType::Global(_))),
            ("__dso_handle", |t| matches!(t, ExternType::Global(_))),
            ("__rtti_base", |t| matches!(t, ExternType::Global(_))),
        ];
        let pre = self.instantiate_pre(module)?;
        let mut funcs = Vec::new();
        for export in module.exports() {
            let ty = export.ty();
            match ty {
                ExternType::Func(func_ty) => funcs.push((export.name().to_string(), func_ty)),
                _ if ALLOWED.iter().any(|(n, ok)| *n == export.name() && ok(&ty)) => {}
                _ => bail!("command export '{}' is not a function", export.name()),
            }
        }
        for (name, func_ty) in funcs {
            let pre = pre.clone();
            let export = name.clone();
            let func = Func::new(&mut store, func_ty, move |mut caller, params, results| {
                let instance = pre.instantiate(&mut caller)?;
                let f = instance
                    .get_func(&mut caller, &export)
                    .ok_or_else(|| anyhow!("command export `{export}` is missing"))?;
                f.call(&mut caller, params, results)
            });
            self.define(&store, module_name, &name, func)?;
        }
        Ok(self)
    }

    /// Resolves every import of `module` now and returns what instantiates
    /// it, in any store of the engine, without looking names up again.
    /// Definitions made afterwards do not change it.
    ///
    /// # Errors
    /// An import this linker does not define, or a module of another engine.
    pub fn instantiate_pre(&self, module: &Module) -> Result<InstancePre<T>> {
        if !Engine::same(&self.engine, module.engine()) {
            bail!("the module was compiled by a different engine than the linker's");
        }
        let mut defs = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            defs.push(self.definition_of(import.module(), import.name())?.clone());
        }
        Ok(InstancePre {
            module: module.clone(),
            defs: defs.into(),
            _marker: std::marker::PhantomData,
        })
    }

    fn definition_of(&self, module: &str, name: &str) -> Result<&Definition> {
        self.lookup(module, name)
            .ok_or_else(|| anyhow!("unknown import: `{module}::{name}` has not been defined"))
    }

    /// Defines every function import of `module` this linker does not
    /// define yet as a function that fails with an "unknown import" error
    /// when called. Other kinds of imports stay undefined.
    ///
    /// # Errors
    /// None in practice (the names are not defined yet).
    pub fn define_unknown_imports_as_traps(&mut self, module: &Module) -> Result<()> {
        for import in module.imports() {
            if let (Err(err), ExternType::Func(ty)) = (
                self.definition_of(import.module(), import.name()),
                import.ty(),
            ) {
                let message = err.to_string();
                self.func_new(import.module(), import.name(), ty, move |_, _, _| {
                    Err(anyhow!("{message}"))
                })?;
            }
        }
        Ok(())
    }

    /// Defines every import of `module` this linker does not define yet as
    /// a default item of `store`: a function that returns zeros and null
    /// references, a global holding zero (or null), a table of null
    /// references, a memory of the import's minimum sizes, and a new tag.
    ///
    /// # Errors
    /// When a table or memory cannot be made (the store's limits), or a
    /// global or table has a non-nullable reference type (it has no
    /// default value).
    pub fn define_unknown_imports_as_default_values(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<()> {
        let mut missing = Vec::new();
        for import in module.imports() {
            if self.definition_of(import.module(), import.name()).is_err() {
                missing.push((
                    import.module().to_string(),
                    import.name().to_string(),
                    import.ty(),
                ));
            }
        }
        for (module_name, name, ty) in missing {
            let item: Extern = match ty {
                ExternType::Func(ty) => {
                    let defaults: Vec<Val> = ty.results().iter().map(|t| default_val(*t)).collect();
                    Func::new(&mut store, ty, move |_, _, results| {
                        results.clone_from_slice(&defaults);
                        Ok(())
                    })
                    .into()
                }
                ExternType::Global(ty) => {
                    Global::new(&mut store, ty, default_val(ty.content()))?.into()
                }
                ExternType::Table(ty) => {
                    Table::new(&mut store, ty, Ref::null(ty.element()))?.into()
                }
                ExternType::Memory(ty) => Memory::new(&mut store, ty)?.into(),
                ExternType::Tag(ty) => crate::Tag::new(&mut store, &ty).into(),
            };
            self.define(&store, &module_name, &name, item)?;
        }
        Ok(())
    }

    /// The default export of module `module`: its function `""`, else its
    /// function `_start`, else a function of `store` that does nothing.
    ///
    /// # Errors
    /// When `""` or `_start` is defined as something other than a function.
    pub fn get_default(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
    ) -> Result<Func> {
        for name in ["", "_start"] {
            if let Some(item) = self.get(&mut store, module, name) {
                return match item {
                    Extern::Func(f) => Ok(f),
                    _ => bail!("default export `{name}` of `{module}` is not a function"),
                };
            }
        }
        Ok(Func::new(store, FuncType::new([], []), |_, _, _| Ok(())))
    }

    /// The item defined as `module::name`, placed in `store`.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self.lookup(module, name)?;
        self.resolve(&mut store, def).ok()
    }

    fn resolve(&self, store: &mut impl AsContextMut<Data = T>, def: &Definition) -> Result<Extern> {
        resolve(store, def)
    }

    /// Instantiates `module`, resolving every import by name.
    ///
    /// # Errors
    /// An unknown import, a type mismatch, or instantiation's own errors.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let info = module.info();
        let mut imports = Vec::with_capacity(info.imports.len());
        for import in &info.imports {
            let def = self.definition_of(&import.module, &import.name)?;
            imports.push(self.resolve(&mut store, def)?);
        }
        Instance::new(store, module, &imports)
    }

    /// Every definition's name.
    pub fn names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map
            .iter()
            .flat_map(|(m, items)| items.keys().map(move |n| (m.as_str(), n.as_str())))
    }
}

/// The item a definition stands for in `store` (a host function is placed
/// in the store now).
fn resolve<T: 'static>(
    store: &mut impl AsContextMut<Data = T>,
    def: &Definition,
) -> Result<Extern> {
    Ok(match def {
        Definition::Extern(e) => *e,
        Definition::HostFunc(def) => {
            let inner = store.as_context_mut().0;
            let engine = &inner.opaque.engine;
            let fresh;
            let prepared = match def.prepared.get() {
                Some((e, p)) if Engine::same(e, engine) => p,
                Some(_) => {
                    // A store of another engine: its own ids and trampoline.
                    fresh = crate::func::PreparedHostFunc::new(engine, &def.ty)?;
                    &fresh
                }
                None => {
                    let p = crate::func::PreparedHostFunc::new(engine, &def.ty)?;
                    &def.prepared.get_or_init(|| (engine.clone(), p)).1
                }
            };
            Extern::Func(crate::func::push_host_func(
                &mut inner.opaque,
                def.ty.clone(),
                def.host.clone(),
                prepared,
            ))
        }
    })
}

/// The zero (or null) value of a type.
fn default_val(ty: ValType) -> Val {
    Val::default_for(ty)
}

/// A module whose imports a [`Linker`] has resolved
/// ([`Linker::instantiate_pre`]): instantiates it in any store of the
/// engine without looking names up again. Cheap to clone.
pub struct InstancePre<T> {
    module: Module,
    defs: Arc<[Definition]>,
    _marker: std::marker::PhantomData<fn(T)>,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        InstancePre {
            module: self.module.clone(),
            defs: self.defs.clone(),
            _marker: std::marker::PhantomData,
        }
    }
}

impl<T: 'static> InstancePre<T> {
    /// The module it instantiates.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Instantiates the module in `store`.
    ///
    /// # Errors
    /// An import defined as an item of another store, a type mismatch, or
    /// instantiation's own errors (a trap of the start function included).
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>) -> Result<Instance> {
        let mut imports = Vec::with_capacity(self.defs.len());
        for def in self.defs.iter() {
            imports.push(resolve(&mut store, def)?);
        }
        Instance::new(store, &self.module, &imports)
    }
}
